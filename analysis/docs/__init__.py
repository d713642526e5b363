"""A static, offline HTML report of the model for readers: diagram, tables, experiments."""
