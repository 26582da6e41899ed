"""trialkb: a comparative knowledge base of JAK/TYK2 inhibitor trials in dermatomyositis and myositis."""
