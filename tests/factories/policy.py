"""The social media policy: ``PolicyPageFactory()`` puts a policy page with three questions
under the home page and publishes it, which starts version 1; ``policy_republish(page,
material=True, change_note=...)`` publishes a new revision (version 2 when material).

Questions go in as ``questions=[{"prompt", "choices", "correct_choice", "explanation"}]``
(choices one per line); pass ``live=False`` for a draft without a version.
"""

import copy

import factory

from cms.models import HomePage, PolicyPage, PolicyQuestion

POLICY_QUESTIONS = [
    {
        "prompt": "A journalist asks you online about a delay. What do you do?",
        "choices": "Answer with what you heard in the break room\n"
        "Point them to the press office\n"
        "Ignore them and post about it later",
        "correct_choice": 2,
        "explanation": "Questions from the press go to the press office, every time.",
    },
    {
        "prompt": "May you say where you work on your own profile?",
        "choices": "Yes, and say your views are your own\nNo, never",
        "correct_choice": 1,
        "explanation": "Saying where you work is fine; make clear you speak for yourself.",
    },
    {
        "prompt": "You posted a wrong departure time. What now?",
        "choices": "Delete it quietly\nCorrect it openly and say what changed\nLeave it",
        "correct_choice": 2,
        "explanation": "Mistakes are corrected in the open, with a note of what changed.",
    },
]
POLICY_BODY = [
    {"type": "heading", "value": "Speaking about work"},
    {"type": "paragraph", "value": "<p>Say that you work here, and that you speak for you.</p>"},
]


def _questions(rows) -> list[PolicyQuestion]:
    return [PolicyQuestion(sort_order=index, **row) for index, row in enumerate(rows)]


class PolicyPageFactory(factory.Factory):
    class Meta:
        model = PolicyPage

    title = "Social media policy"
    slug = "policy"
    summary = "Speak for yourself, keep customers' data private, leave crises to the crisis team."
    body = factory.LazyFunction(lambda: copy.deepcopy(POLICY_BODY))
    material_change = False
    change_note = ""

    @classmethod
    def _create(cls, model_class, *args, parent=None, live=True, questions=None, **kwargs):
        kwargs["body"] = copy.deepcopy(kwargs["body"])
        page = model_class(*args, **kwargs)
        page.questions = _questions(POLICY_QUESTIONS if questions is None else questions)
        if not live:
            page.live = False
            page.has_unpublished_changes = True
        (parent or HomePage.objects.get()).add_child(instance=page)
        revision = page.save_revision()
        if live:
            revision.publish()
        return model_class.objects.get(pk=page.pk)


def policy_republish(
    page: PolicyPage, *, material: bool, change_note: str = "", questions=None, **changes
) -> PolicyPage:
    """Publish a new revision of ``page`` from its latest one, with ``changes`` applied and
    "material change" ticked or not."""
    draft = page.get_latest_revision_as_object()
    for name, value in changes.items():
        setattr(draft, name, copy.deepcopy(value))
    if questions is not None:
        draft.questions = _questions(questions)
    draft.material_change = material
    draft.change_note = change_note
    draft.save_revision().publish()
    return PolicyPage.objects.get(pk=page.pk)


def policy_answers(page: PolicyPage, *, wrong: int = 0) -> dict[str, str]:
    """POST data answering every question of ``page``: right, except the first ``wrong``."""
    data = {}
    for index, question in enumerate(page.questions.order_by("sort_order", "pk")):
        number = question.correct_choice
        if index < wrong:
            number = 1 if number != 1 else 2
        data[f"q{question.pk}"] = str(number)
    return data
