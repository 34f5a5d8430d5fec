"""Training a cross-encoder NLI judge: data building, teacher labelling, the loop, calibration."""
