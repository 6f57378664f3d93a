enum MockPlaceholder {}
