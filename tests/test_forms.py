"""What the core form classes draw (app/forms.py)."""


def test_every_select_draws_what_wtforms_draws(app):
    """Our selects draw their options directly (app/forms.py QuickSelect): the HTML must be wtforms' own."""
    from wtforms import SelectField, SelectMultipleField
    from wtforms.widgets import Select

    from app.forms import Form

    choices = [(1, "食堂 <Canteen> & \"meals\" 🍜"), (2, "Two"), (3, "")]
    grouped = {"一组": [("a", "A & B")], "Group 2": [("b", "B")]}

    class Ours(Form):
        one = SelectField(choices=choices, coerce=int, default=2)
        many = SelectMultipleField(choices=choices, coerce=int, default=[1, 3])
        groups = SelectField(choices=grouped, default="b")

    class Theirs(Form):
        one = SelectField(choices=choices, coerce=int, default=2, widget=Select())
        many = SelectMultipleField(choices=choices, coerce=int, default=[1, 3], widget=Select(multiple=True))
        groups = SelectField(choices=grouped, default="b", widget=Select())

    with app.test_request_context("/"):
        ours, theirs = Ours(meta={"csrf": False}), Theirs(meta={"csrf": False})
        for name in ("one", "many", "groups"):
            assert str(ours[name]()) == str(theirs[name]()), name
        assert "&lt;Canteen&gt; &amp; &#34;meals&#34; 🍜" in str(ours["one"]())
