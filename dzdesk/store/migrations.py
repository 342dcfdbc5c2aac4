"""Named, append-only schema migrations for the branch store. Never edit a released one."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

branch_migrations = Migrations("dzdesk.branch")


@branch_migrations(name="0001_initial")
def initial(db: Database) -> None:
    db.execute(
        """CREATE TABLE branch (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            name TEXT NOT NULL, kind TEXT NOT NULL, committee TEXT NOT NULL,
            secretary TEXT NOT NULL, full_members INTEGER NOT NULL,
            probationary_members INTEGER NOT NULL DEFAULT 0, founded TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL)"""
    )
    db.execute(
        """CREATE TABLE templates (
            hash TEXT PRIMARY KEY, id TEXT NOT NULL, version TEXT NOT NULL, json TEXT NOT NULL)"""
    )
    db.execute(
        """CREATE TABLE assessments (
            id INTEGER PRIMARY KEY,
            period TEXT NOT NULL, revision INTEGER NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('draft', 'finalized')),
            template_id TEXT NOT NULL, template_version TEXT NOT NULL,
            template_hash TEXT NOT NULL REFERENCES templates(hash),
            created_at TEXT NOT NULL, finalized_at TEXT NOT NULL DEFAULT '',
            snapshot_digest TEXT NOT NULL DEFAULT '',
            UNIQUE (period, revision))"""
    )
    db.execute(
        """CREATE TABLE answers (
            assessment_id INTEGER NOT NULL REFERENCES assessments(id),
            task_key TEXT NOT NULL,
            status TEXT CHECK (status IS NULL OR status IN ('done', 'partial', 'undone', 'na')),
            self_score REAL,
            narrative TEXT NOT NULL DEFAULT '',
            problem TEXT NOT NULL DEFAULT '', measures TEXT NOT NULL DEFAULT '',
            owner TEXT NOT NULL DEFAULT '', deadline TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL,
            PRIMARY KEY (assessment_id, task_key))"""
    )
    db.execute(
        """CREATE TABLE evidence (
            id INTEGER PRIMARY KEY,
            assessment_id INTEGER NOT NULL REFERENCES assessments(id),
            task_key TEXT NOT NULL, sha256 TEXT NOT NULL, original_name TEXT NOT NULL,
            size INTEGER NOT NULL, caption TEXT NOT NULL DEFAULT '',
            added_at TEXT NOT NULL, position INTEGER NOT NULL DEFAULT 0,
            removed INTEGER NOT NULL DEFAULT 0)"""
    )
    db.execute("CREATE INDEX evidence_by_task ON evidence (assessment_id, task_key)")
    db.execute(
        """CREATE TABLE change_log (
            id INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL,
            assessment_id INTEGER, task_key TEXT NOT NULL DEFAULT '',
            field TEXT NOT NULL, old TEXT, new TEXT)"""
    )
    db.execute("CREATE INDEX change_log_by_assessment ON change_log (assessment_id)")
    # The change log is append-only: refuse edits and deletions at the database level.
    db.execute(
        """CREATE TRIGGER change_log_no_update BEFORE UPDATE ON change_log
           BEGIN SELECT RAISE(ABORT, 'change_log is append-only'); END"""
    )
    db.execute(
        """CREATE TRIGGER change_log_no_delete BEFORE DELETE ON change_log
           BEGIN SELECT RAISE(ABORT, 'change_log is append-only'); END"""
    )


@branch_migrations(name="standards_0001_committee_profiles")
def committee_standards(db: Database) -> None:
    """The committee's 分类定级标准 files the branch imported; the current one pins the committee's key."""
    db.execute(
        """CREATE TABLE committee_standards (
            id INTEGER PRIMARY KEY, committee TEXT NOT NULL, serial INTEGER NOT NULL, title TEXT NOT NULL,
            issued_at TEXT NOT NULL, fingerprint TEXT NOT NULL, public_key_der BLOB NOT NULL,
            certificate TEXT NOT NULL, encryption_key BLOB, quota TEXT NOT NULL, kinds TEXT NOT NULL,
            deadlines TEXT NOT NULL, document TEXT NOT NULL, file_sha256 TEXT NOT NULL,
            imported_at TEXT NOT NULL, state TEXT NOT NULL CHECK (state IN ('current', 'superseded')),
            read INTEGER NOT NULL DEFAULT 0)"""
    )


@branch_migrations(name="members_0001_roster")
def members_roster(db: Database) -> None:
    # 党员名册: no ID numbers, no addresses (the data travels on USB sticks). Members are
    # never deleted; joining and leaving are dated events, so any past roster can be rebuilt.
    db.execute(
        """CREATE TABLE members (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            category TEXT NOT NULL CHECK (category IN ('正式党员', '预备党员')),
            party_group TEXT NOT NULL DEFAULT '', joined_party TEXT NOT NULL DEFAULT '',
            confirmed TEXT NOT NULL DEFAULT '', roles TEXT NOT NULL DEFAULT '[]',
            flags TEXT NOT NULL DEFAULT '[]', note TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL, updated_at TEXT NOT NULL)"""
    )
    db.execute(
        """CREATE TABLE member_events (
            id INTEGER PRIMARY KEY,
            member_id INTEGER NOT NULL REFERENCES members(id),
            kind TEXT NOT NULL CHECK (kind IN ('转入', '转出', '去世', '停止党籍', '预备转正')),
            date TEXT NOT NULL, note TEXT NOT NULL DEFAULT '',
            recorded_at TEXT NOT NULL, cancelled INTEGER NOT NULL DEFAULT 0)"""
    )
    db.execute("CREATE INDEX member_events_by_member ON member_events (member_id)")
    db.execute(
        """CREATE TRIGGER members_no_delete BEFORE DELETE ON members
           BEGIN SELECT RAISE(ABORT, 'members are never deleted: record a leaving event'); END"""
    )


@branch_migrations(name="meetings_0001_records")
def meetings_records(db: Database) -> None:
    # 组织生活台账: one row per meeting, its attendance per member, its attachment files
    # (content-addressed in the evidence folder, like evidence). Removal is a flag (undo).
    db.execute(
        """CREATE TABLE meetings (
            id INTEGER PRIMARY KEY,
            type TEXT NOT NULL, date TEXT NOT NULL, topic TEXT NOT NULL,
            place TEXT NOT NULL DEFAULT '', host TEXT NOT NULL DEFAULT '',
            recorder TEXT NOT NULL DEFAULT '', party_group TEXT NOT NULL DEFAULT '',
            hours REAL, resolutions TEXT NOT NULL DEFAULT '', minutes TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
            removed INTEGER NOT NULL DEFAULT 0)"""
    )
    db.execute("CREATE INDEX meetings_by_date ON meetings (date)")
    db.execute(
        """CREATE TABLE meeting_attendance (
            meeting_id INTEGER NOT NULL REFERENCES meetings(id),
            member_id INTEGER NOT NULL REFERENCES members(id),
            status TEXT NOT NULL CHECK (status IN ('出席', '请假', '缺席')),
            reason TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (meeting_id, member_id)) WITHOUT ROWID"""
    )
    db.execute(
        """CREATE TABLE meeting_attachments (
            id INTEGER PRIMARY KEY,
            meeting_id INTEGER NOT NULL REFERENCES meetings(id),
            sha256 TEXT NOT NULL, original_name TEXT NOT NULL, size INTEGER NOT NULL,
            caption TEXT NOT NULL DEFAULT '', added_at TEXT NOT NULL,
            removed INTEGER NOT NULL DEFAULT 0)"""
    )
    db.execute("CREATE INDEX meeting_attachments_by_meeting ON meeting_attachments (meeting_id)")
    db.execute("CREATE TABLE orglife_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
