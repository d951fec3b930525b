"""Every list's pages: a page number past the end shows the last page.

A link kept from a longer list (a bookmark, a tab left open while requests were closed, a filter narrowed
under it) asked for page 50 of what now has 4. Shown empty, the page said "nothing matches these filters"
of a list that has matches, with no pager to go back; the last page is what the person was looking for.
"""
from flask_sqlalchemy.pagination import Pagination, SelectPagination


class LastPageAtMost(Pagination):
    """A Pagination that, past the end of a counted list, reads its last page instead."""

    def __init__(self, page=None, per_page=None, max_per_page=100, error_out=True, count=True, **kwargs):
        super().__init__(page=page, per_page=per_page, max_per_page=max_per_page, error_out=error_out,
                         count=count, **kwargs)
        if not self.items and self.total and self.page > self.pages:
            super().__init__(page=self.pages, per_page=self.per_page, max_per_page=max_per_page,
                             error_out=error_out, count=count, **kwargs)


class SelectPage(LastPageAtMost, SelectPagination):
    """db.paginate's pages (see extensions.OfficeSQLAlchemy)."""
