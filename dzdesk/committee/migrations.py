"""Named, append-only schema migrations for the committee store. Never edit a released one."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

committee_migrations = Migrations("dzdesk.committee")


@committee_migrations(name="0001_initial")
def initial(db: Database) -> None:
    # A branch is its signing key: one row per fingerprint ever accepted for it is kept in key_changes.
    db.execute(
        """CREATE TABLE branches (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL, name_key TEXT NOT NULL,
            fingerprint TEXT NOT NULL UNIQUE, public_key_der BLOB NOT NULL,
            registered_at TEXT NOT NULL)"""
    )
    db.execute("CREATE INDEX branches_by_name ON branches (name_key)")
    db.execute(
        """CREATE TABLE submissions (
            id INTEGER PRIMARY KEY,
            branch_id INTEGER NOT NULL REFERENCES branches(id),
            period TEXT NOT NULL, revision INTEGER NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('current', 'superseded', 'held', 'declined')),
            fingerprint TEXT NOT NULL, public_key_der BLOB NOT NULL,
            snapshot_digest TEXT NOT NULL,
            branch_name TEXT NOT NULL, kind TEXT NOT NULL, secretary TEXT NOT NULL,
            full_members INTEGER NOT NULL, probationary_members INTEGER NOT NULL,
            score REAL NOT NULL, grade TEXT NOT NULL, flags TEXT NOT NULL,
            open_rectifications INTEGER NOT NULL,
            template_id TEXT NOT NULL, template_version TEXT NOT NULL, template_hash TEXT NOT NULL,
            generated_at TEXT NOT NULL, imported_at TEXT NOT NULL,
            bundle_name TEXT NOT NULL, manifest_sha256 TEXT NOT NULL,
            report_sha256 TEXT NOT NULL, snapshot_json TEXT NOT NULL, manifest_json TEXT NOT NULL,
            UNIQUE (branch_id, period, snapshot_digest, fingerprint))"""
    )
    db.execute("CREATE INDEX submissions_by_period ON submissions (period, state)")
    db.execute("CREATE INDEX submissions_by_key ON submissions (fingerprint, period, snapshot_digest)")
    db.execute(
        """CREATE TABLE submission_evidence (
            submission_id INTEGER NOT NULL REFERENCES submissions(id),
            position INTEGER NOT NULL, task_key TEXT NOT NULL, sha256 TEXT NOT NULL,
            name TEXT NOT NULL, size INTEGER NOT NULL, caption TEXT NOT NULL,
            PRIMARY KEY (submission_id, position))"""
    )
    db.execute(
        """CREATE TABLE key_changes (
            id INTEGER PRIMARY KEY,
            branch_id INTEGER NOT NULL REFERENCES branches(id),
            submission_id INTEGER NOT NULL REFERENCES submissions(id),
            old_fingerprint TEXT NOT NULL, new_fingerprint TEXT NOT NULL,
            held_at TEXT NOT NULL, decided_at TEXT NOT NULL DEFAULT '',
            decision TEXT NOT NULL DEFAULT '' CHECK (decision IN ('', 'accepted', 'declined')),
            actor TEXT NOT NULL DEFAULT '')"""
    )
    db.execute(
        """CREATE TABLE roster (
            name_key TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL,
            secretary TEXT NOT NULL, position INTEGER NOT NULL)"""
    )
    db.execute("CREATE TABLE deadlines (period TEXT PRIMARY KEY, deadline TEXT NOT NULL)")
    db.execute(
        """CREATE TABLE grades (
            period TEXT NOT NULL, branch_id INTEGER NOT NULL REFERENCES branches(id),
            grade TEXT NOT NULL CHECK (grade IN ('A', 'B', 'C', 'D')),
            score REAL, comment TEXT NOT NULL DEFAULT '',
            graded_at TEXT NOT NULL, actor TEXT NOT NULL,
            PRIMARY KEY (period, branch_id))"""
    )
    db.execute(
        """CREATE TABLE committee_log (
            id INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL,
            period TEXT NOT NULL DEFAULT '', branch_id INTEGER,
            action TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '')"""
    )
    db.execute(
        """CREATE TRIGGER committee_log_no_update BEFORE UPDATE ON committee_log
           BEGIN SELECT RAISE(ABORT, 'committee_log is append-only'); END"""
    )
    db.execute(
        """CREATE TRIGGER committee_log_no_delete BEFORE DELETE ON committee_log
           BEGIN SELECT RAISE(ABORT, 'committee_log is append-only'); END"""
    )


@committee_migrations(name="0002_submissions_by_branch")
def submissions_by_branch(db: Database) -> None:
    # importing settles the current revision per branch and period; without this it scans the period
    db.execute("CREATE INDEX submissions_by_branch ON submissions (branch_id, period)")


@committee_migrations(name="0003_committee_identity")
def committee_identity(db: Database) -> None:
    # The committee's own name (the 通报's issuer) and the fingerprint of its signing key, whose
    # files live in <data>/committee/keys/. One row at most: a rename updates it, the key stays.
    db.execute(
        """CREATE TABLE committee_identity (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            name TEXT NOT NULL, fingerprint TEXT NOT NULL,
            created_at TEXT NOT NULL, renamed_at TEXT NOT NULL DEFAULT '')"""
    )


@committee_migrations(name="0004_holds_and_name_keys")
def holds_and_name_keys(db: Database) -> None:
    """Submissions can be held for other reasons than a key change (template unknown, two different
    files with the same revision, a name that looks like another branch's); each submission records
    whether its score was recomputed and how many tasks are 不适用 or lack evidence; templates
    received in bundles are kept by hash; names are compared by the stricter key of dzdesk/textrules.py."""
    import json

    from ..textrules import name_key
    from .snapshot_facts import answer_counts

    db.execute("ALTER TABLE submissions ADD COLUMN hold_kind TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE submissions ADD COLUMN hold_reason TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE submissions ADD COLUMN score_verified INTEGER NOT NULL DEFAULT 1")
    db.execute("ALTER TABLE submissions ADD COLUMN na_tasks INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE submissions ADD COLUMN tasks_without_evidence INTEGER NOT NULL DEFAULT 0")
    db.execute(
        """CREATE TABLE templates (
            hash TEXT PRIMARY KEY, id TEXT NOT NULL, version TEXT NOT NULL, title TEXT NOT NULL,
            json TEXT NOT NULL, source TEXT NOT NULL, received_at TEXT NOT NULL)"""
    )
    rows = db.execute("SELECT id, snapshot_json FROM submissions").fetchall()
    for sub_id, snapshot_json in rows:
        na, bare = answer_counts(json.loads(snapshot_json))
        db.execute("UPDATE submissions SET na_tasks = ?, tasks_without_evidence = ? WHERE id = ?", [na, bare, sub_id])
    for branch_id, name in db.execute("SELECT id, name FROM branches").fetchall():
        db.execute("UPDATE branches SET name_key = ? WHERE id = ?", [name_key(name), branch_id])
    roster = db.execute("SELECT name_key, name, kind, secretary, position FROM roster ORDER BY position").fetchall()
    taken: set[str] = set()
    rekeyed = []
    for old_key, name, kind, secretary, position in roster:
        key = name_key(name)
        if key in taken:  # two entries that now compare equal: the later one keeps a key of its own
            key = old_key if old_key not in taken else f"{old_key}#{position}"
        taken.add(key)
        rekeyed.append((key, name, kind, secretary, position))
    db.execute("DELETE FROM roster")
    db.conn.executemany("INSERT INTO roster (name_key, name, kind, secretary, position) VALUES (?, ?, ?, ?, ?)", rekeyed)


@committee_migrations(name="0005_profile")
def profile(db: Database) -> None:
    """The committee's 分类定级标准: settings (quota rule, name of the profile), the checklist per branch
    kind (a template the committee issued, the built-in one, or none), and every profile file exported."""
    db.execute("ALTER TABLE templates ADD COLUMN issued_at TEXT NOT NULL DEFAULT ''")
    db.execute("CREATE TABLE profile_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.execute(
        """CREATE TABLE kind_templates (
            kind TEXT PRIMARY KEY CHECK (kind IN ('nonpublic', 'social', 'organ')),
            template_hash TEXT REFERENCES templates(hash), builtin INTEGER NOT NULL DEFAULT 0,
            set_at TEXT NOT NULL, actor TEXT NOT NULL)"""
    )
    db.execute(
        """CREATE TABLE kind_template_history (
            kind TEXT NOT NULL, template_hash TEXT NOT NULL REFERENCES templates(hash),
            issued_at TEXT NOT NULL, PRIMARY KEY (kind, template_hash))"""
    )
    db.execute(
        """CREATE TABLE profile_exports (
            serial INTEGER PRIMARY KEY, exported_at TEXT NOT NULL, file_name TEXT NOT NULL,
            sha256 TEXT NOT NULL, actor TEXT NOT NULL)"""
    )
