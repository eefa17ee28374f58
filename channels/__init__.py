"""The project's Rasa channels (registered by dotted path in credentials.yml) and what every
message passes through. Importing the package applies the runtime fix in rasa_fixes.py."""

from channels import rasa_fixes

rasa_fixes.apply()
