from trialkb.cli import main

main()
