# PyMongo 4.13 - 4.18.0.dev0
