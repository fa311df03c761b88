"""CMS registrations for accounts: the person chooser."""

from wagtail import hooks

from accounts.choosers import person_chooser_viewset


@hooks.register("register_admin_viewset")
def register_person_chooser():
    return person_chooser_viewset


@hooks.register("register_log_actions")
def register_audit_actions(actions):
    from accounts.audit import AUDIT_ACTIONS

    for action, label in AUDIT_ACTIONS.items():
        actions.register_action(action, label, label)
