"""initial schema: departments, documents, tables_found, facts, claims, checks, findings

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# Exact decimals: NUMERIC on PostgreSQL, the decimal string on SQLite (see schema.DecimalText).
EXACT_DECIMAL = sa.Numeric().with_variant(sa.String(48), "sqlite")


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('departments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('region', sa.String(length=100), nullable=True),
    sa.Column('province', sa.String(length=40), nullable=True),
    sa.Column('city', sa.String(length=40), nullable=True),
    sa.Column('county', sa.String(length=40), nullable=True),
    sa.Column('level', sa.String(length=10), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_departments')),
    sa.UniqueConstraint('name', name=op.f('uq_departments_name'))
    )
    op.create_table('documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('file_name', sa.String(length=500), nullable=True),
    sa.Column('format', sa.String(length=16), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('department', sa.String(length=200), nullable=True),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('unit', sa.String(length=16), nullable=False),
    sa.Column('ingested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('parser_version', sa.String(length=40), nullable=False),
    sa.Column('fact_count', sa.Integer(), nullable=False),
    sa.Column('toc', sa.JSON(), nullable=True),
    sa.Column('unreadable', sa.JSON(), nullable=True),
    sa.Column('warnings', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_documents_department_id_departments'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents')),
    sa.UniqueConstraint('sha256', name=op.f('uq_documents_sha256'))
    )
    op.create_index(op.f('ix_documents_department_id_year'), 'documents', ['department_id', 'year'], unique=False)
    op.create_index(op.f('ix_documents_year'), 'documents', ['year'], unique=False)

    op.create_table('checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('rules_version', sa.String(length=64), nullable=False),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('errors', sa.Integer(), nullable=False),
    sa.Column('warnings', sa.Integer(), nullable=False),
    sa.Column('infos', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_checks_document_id_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checks')),
    sa.UniqueConstraint('document_id', 'rules_version', name=op.f('uq_checks_document_id_rules_version'))
    )
    op.create_table('claims',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('value', EXACT_DECIMAL, nullable=False),
    sa.Column('raw', sa.String(length=80), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('direction', sa.String(length=20), nullable=True),
    sa.Column('whole', sa.String(length=200), nullable=True),
    sa.Column('fact_table', sa.String(length=40), nullable=True),
    sa.Column('fact_row', sa.String(length=80), nullable=True),
    sa.Column('fact_column', sa.String(length=40), nullable=True),
    sa.Column('line', sa.Integer(), nullable=True),
    sa.Column('page', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_claims_document_id_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claims'))
    )
    op.create_index(op.f('ix_claims_document_id'), 'claims', ['document_id'], unique=False)

    op.create_table('facts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('table_id', sa.String(length=40), nullable=False),
    sa.Column('row_key', sa.String(length=80), nullable=False),
    sa.Column('column_key', sa.String(length=40), nullable=False),
    sa.Column('value', EXACT_DECIMAL, nullable=False),
    sa.Column('raw', sa.Text(), nullable=False),
    sa.Column('label', sa.Text(), nullable=False),
    sa.Column('project', sa.Text(), nullable=False),
    sa.Column('level', sa.String(length=2), nullable=True),
    sa.Column('line', sa.Integer(), nullable=True),
    sa.Column('page', sa.Integer(), nullable=True),
    sa.Column('ref', sa.String(length=120), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_facts_document_id_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_facts'))
    )
    op.create_index(op.f('ix_facts_document_id_table_id_row_key'), 'facts', ['document_id', 'table_id', 'row_key'], unique=False)

    op.create_table('tables_found',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('table_id', sa.String(length=40), nullable=False),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('number', sa.String(length=40), nullable=True),
    sa.Column('unit', sa.String(length=16), nullable=True),
    sa.Column('page', sa.Integer(), nullable=True),
    sa.Column('line', sa.Integer(), nullable=True),
    sa.Column('ref', sa.String(length=120), nullable=True),
    sa.Column('empty', sa.Boolean(), nullable=False),
    sa.Column('fragment', sa.Boolean(), nullable=False),
    sa.Column('layout', sa.String(length=20), nullable=True),
    sa.Column('notes', sa.JSON(), nullable=True),
    sa.Column('row_labels', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_tables_found_document_id_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tables_found'))
    )
    op.create_index(op.f('ix_tables_found_document_id'), 'tables_found', ['document_id'], unique=False)

    op.create_table('findings',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('check_id', sa.Integer(), nullable=False),
    sa.Column('rules_version', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('rule', sa.String(length=40), nullable=False),
    sa.Column('severity', sa.String(length=10), nullable=False),
    sa.Column('family', sa.String(length=40), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('tables', sa.JSON(), nullable=False),
    sa.Column('cells', sa.JSON(), nullable=False),
    sa.Column('expected', sa.String(length=80), nullable=True),
    sa.Column('printed', sa.String(length=80), nullable=True),
    sa.Column('difference', sa.String(length=80), nullable=True),
    sa.ForeignKeyConstraint(['check_id'], ['checks.id'], name=op.f('fk_findings_check_id_checks'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_findings_document_id_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_findings'))
    )
    op.create_index(op.f('ix_findings_check_id'), 'findings', ['check_id'], unique=False)
    op.create_index(op.f('ix_findings_document_id_rules_version'), 'findings', ['document_id', 'rules_version'], unique=False)



def downgrade() -> None:
    op.drop_table('findings')
    op.drop_table('checks')
    op.drop_table('claims')
    op.drop_table('facts')
    op.drop_table('tables_found')
    op.drop_table('documents')
    op.drop_table('departments')
