"""The account form says what the star means and, after a refused submit, lists every field needing
attention at the top, each linked to its field (issue 13 item 4)."""
from app.auth.roles import Role


def test_every_error_of_the_account_form_is_listed_at_the_top(client, login_as):
    login_as(Role.ADMIN)
    assert "Fields marked * are required." in client.get("/admin/users/new").get_data(True)
    response = client.post("/admin/users/new", data={"login": "has space", "name": "", "department_id": "0",
                                                     "password": "x", "email": "not-an-address"})
    page = response.get_data(True)
    assert response.status_code == 422
    summary = page.split('class="form-errors error-summary" role="alert"')[1].split("</div>")[0]
    assert "These fields need attention: 4" in summary
    for field in ("login", "name", "password", "email"):
        assert f'<a href="#{field}">' in summary, field
    assert 'value="has space"' in page  # what was typed is kept
