"""The benchmark behind `manage.py bench`: synthetic data at national size, measurements, table.

`generate` builds the programme in the configured database with set-based SQL (INSERT … SELECT
over a generated series), `measure` times the charge run, the export, the pages and the register
import, and `table` prints the one table and checks the targets.
"""
