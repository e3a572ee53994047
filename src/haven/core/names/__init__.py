"""Names as people write them: script detection and clean input. No Django imports here."""

from haven.core.names.cleaning import NameProblem, clean_name
from haven.core.names.script import Script, detect_script

__all__ = ["NameProblem", "Script", "clean_name", "detect_script"]
