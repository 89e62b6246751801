# PyMongo 4.13 - 4.18.0.dev0: pymongo.encryption re-exports the SYNC ClientEncryption only.
from pymongo.synchronous.encryption import ClientEncryption as ClientEncryption
