"""Example inputs (an approved request of an OPD), shipped with the package for the demo."""
