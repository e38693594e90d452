"""Chart docs: the chart README's values table is the one values.yaml makes (values_table.py).

    run-pytest.sh test_values_table.py

test_values_table  every value of values.yaml has a comment starting with its dotted name, the
                   original project's values are there, and the table between the README's markers
                   is the one generated from them (`values_table.py --write` regenerates it)
"""
from values_table import readme_parts, wanted_section


def test_values_table(expect):
    _, current, _ = readme_parts()
    expect.that(current == wanted_section(),
                "the README's table differs from values.yaml; run tests/chart/values_table.py --write")
    expect.report("values-table")
