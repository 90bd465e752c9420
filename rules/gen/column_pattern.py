#!/usr/bin/env python3
"""Prints the pattern of csv.secret_column (rules/config-files.yaml).

A CSV header names the column; the value is at the same index of the row
below it. A regex cannot count, so the pattern spells out one alternative
per index (the first twelve columns: RE2 allows at most 1000 for nested
repetition, and a cell takes up to 80 characters), each consuming the
header and the cells of the row before that index; the secret group
follows the alternation, so it is named once.

    python3 rules/gen/column_pattern.py   # paste into the rule's pattern
"""

COLUMNS = 12
CELL = r'(?:"[^"\n]{0,80}"|[^,"\n]{0,80})'
# Credential column names; a prefix only before the longer names, so
# reset_token and csrf_token (one-time tokens) are not taken.
KEY = (r'"?(?i:(?:[a-z]{1,12}[_ ])?(?:password|passwd|api_?key|api_?secret|'
       r'api_?token|access_?token|auth_?token|client_?secret|secret_?key|'
       r'private_?key|app_?secret)|secret|token|pwd|pass)"?')
REST = r'(?:,[^\n]{0,1000})?\r?\n'
VALUE = r'"?(?P<secret>[^",\s]{4,128})"?(?:,|\r?\n|$)'


def main():
    alts = []
    for i in range(COLUMNS):
        before = f'(?:{CELL},){{{i}}}' if i else ''
        alts.append(f'{before}{KEY}{REST}{before}')
    print("(?m:^)(?:" + "|".join(alts) + ")" + VALUE)


if __name__ == "__main__":
    main()
