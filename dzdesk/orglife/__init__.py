"""党员名册 and 组织生活台账: members with dated events, meeting records, the frequency check.

Pure parts live here (dataclasses, the roster at a date, the meeting-type policy, the
frequency check, CSV parsing); the store's repositories (``store.members``,
``store.meetings`` in :mod:`dzdesk.store.members` / :mod:`dzdesk.store.meetings`) keep
them in SQLite; :mod:`dzdesk.orglife.summary` is what the report, the bundle and the
review page call.
"""
