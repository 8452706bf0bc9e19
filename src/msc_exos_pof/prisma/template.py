"""The PRISMA2020 R package / Shiny app template: the package's counts as its CSV.

The rows, columns and texts are those of ``inst/extdata/PRISMA.csv`` in
https://github.com/prisma-flowdiagram/PRISMA2020 (MIT licence; commit
696d35e688113ecb6b7f3ae57395de496252ed0a, package version 0.0.3). Only the ``n`` column changes.
"""

from __future__ import annotations

import csv
import io
import os

from .data import database_counts, flow_counts, flow_nodes, search_rounds

#: Columns of the template CSV.
TEMPLATE_COLUMNS = ("data", "node", "box", "description", "boxtext", "tooltips", "url", "n")

#: The template's rows: (data, node, box, description, boxtext, tooltips, url, n). ``n`` is the
#: template's placeholder; count rows get the package's count or NA.
TEMPLATE_ROWS: tuple[tuple[str, ...], ...] = (
    (
        "NA",
        "node4",
        "prevstud",
        "Grey title box; Previous studies",
        "Previous studies",
        "Grey title box; Previous studies",
        "prevstud.html",
        "0",
    ),
    (
        "previous_studies",
        "node5",
        "box1",
        "Studies included in previous version of review",
        "Studies included in previous version of review",
        "Studies included in previous version of review",
        "previous_studies.html",
        "0",
    ),
    (
        "previous_reports",
        "NA",
        "box1",
        "Reports of studies included in previous version of review",
        "Reports of studies included in previous version of review",
        "NA",
        "previous_reports.html",
        "0",
    ),
    (
        "NA",
        "node6",
        "newstud",
        "Yellow title box; Identification of new studies via databases and registers",
        "Identification of new studies via databases and registers",
        "Yellow title box; Identification of new studies via databases and registers",
        "newstud.html",
        "0",
    ),
    (
        "database_results",
        "node7",
        "box2",
        "Records identified from: Databases",
        "Databases",
        "Records identified from: Databases and Registers",
        "database_results.html",
        "0",
    ),
    (
        "database_specific_results",
        "NA",
        "box2",
        "Records identified from: specific databases",
        "Specific Databases",
        "NA",
        "database_results.html",
        "Database 1, xxx; Database 2, xxx; Database 3, xxx",
    ),
    (
        "register_results",
        "NA",
        "box2",
        "Records identified from: Registers",
        "Registers",
        "NA",
        "NA",
        "0",
    ),
    (
        "register_specific_results",
        "NA",
        "box2",
        "Records identified from: specific registers",
        "Specific Registers",
        "NA",
        "database_results.html",
        "Register 1, xxx; Register 2, xxx; Register 3, xxx",
    ),
    (
        "NA",
        "node16",
        "othstud",
        "Grey title box; Identification of new studies via other methods",
        "Identification of new studies via other methods",
        "Grey title box; Identification of new studies via other methods",
        "othstud.html",
        "0",
    ),
    (
        "website_results",
        "node17",
        "box11",
        "Records identified from: Websites",
        "Websites",
        "Records identified from: Websites, Organisations and Citation Searching",
        "website_results.html",
        "0",
    ),
    (
        "organisation_results",
        "",
        "box11",
        "Records identified from: Organisations",
        "Organisations",
        "NA",
        "NA",
        "0",
    ),
    (
        "citations_results",
        "NA",
        "box11",
        "Records identified from: Citation searching",
        "Citation searching",
        "NA",
        "NA",
        "0",
    ),
    (
        "duplicates",
        "node8",
        "box3",
        "Duplicate records",
        "Duplicate records",
        "Duplicate records",
        "duplicates.html",
        "0",
    ),
    (
        "excluded_automatic",
        "NA",
        "box3",
        "Records marked as ineligible by automation tools",
        "Records marked as ineligible by automation tools",
        "NA",
        "NA",
        "0",
    ),
    (
        "excluded_other",
        "NA",
        "box3",
        "Records removed for other reasons",
        "Records removed for other reasons",
        "NA",
        "NA",
        "0",
    ),
    (
        "records_screened",
        "node9",
        "box4",
        "Records screened (databases and registers)",
        "Records screened",
        "Records screened (databases and registers)",
        "records_screened.html",
        "0",
    ),
    (
        "records_excluded",
        "node10",
        "box5",
        "Records excluded (databases and registers)",
        "Records excluded",
        "Records excluded (databases and registers)",
        "records_excluded.html",
        "0",
    ),
    (
        "dbr_sought_reports",
        "node11",
        "box6",
        "Reports sought for retrieval (databases and registers)",
        "Reports sought for retrieval",
        "Reports sought for retrieval (databases and registers)",
        "dbr_sought_reports.html",
        "0",
    ),
    (
        "dbr_notretrieved_reports",
        "node12",
        "box7",
        "Reports not retrieved (databases and registers)",
        "Reports not retrieved",
        "Reports not retrieved (databases and registers)",
        "dbr_notretrieved_reports.html",
        "0",
    ),
    (
        "other_sought_reports",
        "node18",
        "box12",
        "Reports sought for retrieval (other)",
        "Reports sought for retrieval",
        "Reports sought for retrieval (other)",
        "other_sought_reports.html",
        "0",
    ),
    (
        "other_notretrieved_reports",
        "node19",
        "box13",
        "Reports not retrieved (other)",
        "Reports not retrieved",
        "Reports not retrieved (other)",
        "other_notretrieved_reports.html",
        "0",
    ),
    (
        "dbr_assessed",
        "node13",
        "box8",
        "Reports assessed for eligibility (databases and registers)",
        "Reports assessed for eligibility",
        "Reports assessed for eligibility (databases and registers)",
        "dbr_assessed.html",
        "0",
    ),
    (
        "dbr_excluded",
        "node14",
        "box9",
        "Reports excluded (databases and registers): [separate reasons and numbers using ; e.g. "
        "Reason1, xxx; Reason2, xxx; Reason3, xxx]",
        "Reports excluded",
        "Reports excluded (databases and registers)",
        "dbrexcludedrecords.html",
        "Reason1, xxx; Reason2, xxx; Reason3, xxx",
    ),
    (
        "other_assessed",
        "node20",
        "box14",
        "Reports assessed for eligibility (other)",
        "Reports assessed for eligibility",
        "Reports assessed for eligibility (other)",
        "other_assessed.html",
        "0",
    ),
    (
        "other_excluded",
        "node21",
        "box15",
        "Reports excluded (other): [separate reasons and numbers using ; e.g. Reason1, xxx; "
        "Reason2, xxx; Reason3, xxx]",
        "Reports excluded",
        "Reports excluded (other)",
        "other_excluded.html",
        "Reason1, xxx; Reason2, xxx; Reason3, xxx",
    ),
    (
        "new_studies",
        "node15",
        "box10",
        "New studies included in review",
        "New studies included in review",
        "New studies included in review",
        "new_studies.html",
        "0",
    ),
    (
        "new_reports",
        "NA",
        "box10",
        "Reports of new included studies",
        "Reports of new included studies",
        "NA",
        "NA",
        "0",
    ),
    (
        "total_studies",
        "node22",
        "box16",
        "Total studies included in review",
        "Total studies included in review",
        "Total studies included in review",
        "total_studies.html",
        "0",
    ),
    (
        "total_reports",
        "NA",
        "box16",
        "Reports of total included studies",
        "Reports of total included studies",
        "NA",
        "NA",
        "0",
    ),
    (
        "identification",
        "node1",
        "identification",
        "Blue identification box",
        "Identification",
        "Blue identification box",
        "identification.html",
        "0",
    ),
    (
        "screening",
        "node2",
        "screening",
        "Blue screening box",
        "Screening",
        "Blue screening box",
        "screening.html",
        "0",
    ),
    (
        "included",
        "node3",
        "included",
        "Blue included box",
        "Included",
        "Blue included box",
        "included.html",
        "0",
    ),
)

#: ``prisma_flow`` nodes whose template ``data`` name differs (the template names the boxes of
#: the databases-and-registers arm ``dbr_`` and those of the other-methods arm ``other_``).
RENAMED: dict[str, str] = {
    "reports_sought": "dbr_sought_reports",
    "reports_not_retrieved": "dbr_notretrieved_reports",
    "reports_assessed": "dbr_assessed",
    "reports_excluded": "dbr_excluded",
    "other_reports_sought": "other_sought_reports",
    "other_reports_not_retrieved": "other_notretrieved_reports",
    "other_reports_assessed": "other_assessed",
    "other_reports_excluded": "other_excluded",
}
#: Nodes with no template row: the R package adds the arms itself, so the review's pooled total
#: of records (283 + 9 = 292) has no place in the template.
NO_TEMPLATE_ROW = ("identified_total",)


def template_nodes() -> dict[str, str]:
    """Template ``data`` name -> the ``prisma_flow`` node that gives its count, for every node
    of the ``prisma_flow.node`` enum that the template has.

    >>> template_nodes()["dbr_sought_reports"]
    'reports_sought'
    """
    return {RENAMED.get(node, node): node for node in flow_nodes() if node not in NO_TEMPLATE_ROW}


#: Template rows that are titles or phase labels, not counts: their ``n`` stays as written.
_TEMPLATE_TITLE_ROWS = {"NA", "identification", "screening", "included"}


def prisma_template_csv(path: str | os.PathLike[str] | None = None) -> str:
    """The counts of the package at ``path`` in the PRISMA2020 R package / Shiny app template.

    Load the text in https://estech.shinyapps.io/prisma_flowdiagram/ ("upload a CSV") or in R
    with ``PRISMA2020::PRISMA_data(read.csv(file))``. Counts come from ``prisma_flow`` (see
    ``template_nodes()``) of the last search round, with ``previous_studies`` and
    ``total_studies`` (and their reports) filled when there are several rounds;
    ``database_specific_results`` lists the round's ``search_strategies`` as "Database,
    records; ..."; a count the data does not give (not reported, or no row) is ``NA``.

    >>> text = prisma_template_csv()
    >>> text.splitlines()[0]
    'data,node,box,description,boxtext,tooltips,url,n'
    """
    last = search_rounds(path)[-1]
    flow = flow_counts(path, last)
    nodes = template_nodes()
    databases = database_counts(path, last)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(TEMPLATE_COLUMNS)
    for row in TEMPLATE_ROWS:
        data = row[0]
        if data in _TEMPLATE_TITLE_ROWS:
            count = row[-1]
        elif data == "database_specific_results" and databases:
            # The template splits entries on ";" and a name from its count on ",".
            count = "; ".join(
                f"{_template_name(name)}, {'NA' if records is None else records}"
                for name, records in databases
            )
        else:
            item = flow.get(nodes.get(data, ""))
            count = "NA" if item is None or not item.reported else str(item.count)
        writer.writerow((*row[:-1], count))
    return buffer.getvalue()


def _template_name(name: str) -> str:
    return name.replace(";", " ").replace(",", " ")
