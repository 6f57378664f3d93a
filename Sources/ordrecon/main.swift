print("ordrecon")
