"""Pipeline stages: reading, segmentation, attribution, pairing, scoring and aggregation."""
