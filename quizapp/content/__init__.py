"""Loading the course package (questions/): reading YAML, checking it, and importing it into the database."""
