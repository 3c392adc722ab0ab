"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-23
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('blobs',
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('file_type', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('sha256')
    )
    op.create_table('facet_values',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('facet', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('facet', 'key', name='uq_facet_values_facet_key')
    )
    with op.batch_alter_table('facet_values', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_facet_values_facet'), ['facet'], unique=False)

    op.create_table('library_meta',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('value', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('stages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    op.create_table('synonyms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('terms', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('team', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_name'), ['name'], unique=True)

    op.create_table('gates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stage_id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('exit_criteria', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['stage_id'], ['stages.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    with op.batch_alter_table('gates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gates_stage_id'), ['stage_id'], unique=False)

    op.create_table('kits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('account', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('kits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kits_owner_id'), ['owner_id'], unique=False)

    op.create_table('pieces',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('url', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('review_state', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('review_note', sa.Text(), nullable=False),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('owner', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('review_by', sa.Date(), nullable=True),
    sa.Column('current_version_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['merged_into_id'], ['pieces.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('pieces', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pieces_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_pieces_updated_at'), ['updated_at'], unique=False)

    op.create_table('content_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('requester_id', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('need', sa.Text(), nullable=False),
    sa.Column('stage_id', sa.Integer(), nullable=True),
    sa.Column('gate_id', sa.Integer(), nullable=True),
    sa.Column('persona_id', sa.Integer(), nullable=True),
    sa.Column('industry_id', sa.Integer(), nullable=True),
    sa.Column('account', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('due', sa.Date(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('piece_id', sa.Integer(), nullable=True),
    sa.Column('decline_reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['gate_id'], ['gates.id'], ),
    sa.ForeignKeyConstraint(['industry_id'], ['facet_values.id'], ),
    sa.ForeignKeyConstraint(['persona_id'], ['facet_values.id'], ),
    sa.ForeignKeyConstraint(['piece_id'], ['pieces.id'], ),
    sa.ForeignKeyConstraint(['requester_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['stage_id'], ['stages.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('content_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_content_requests_requester_id'), ['requester_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_content_requests_status'), ['status'], unique=False)

    op.create_table('kit_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kit_id', sa.Integer(), nullable=False),
    sa.Column('piece_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('version_id_at_add', sa.Integer(), nullable=True),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['kit_id'], ['kits.id'], ),
    sa.ForeignKeyConstraint(['piece_id'], ['pieces.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kit_id', 'piece_id', name='uq_kit_items_piece')
    )
    with op.batch_alter_table('kit_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kit_items_kit_id'), ['kit_id'], unique=False)

    op.create_table('piece_facets',
    sa.Column('piece_id', sa.Integer(), nullable=False),
    sa.Column('facet_value_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['facet_value_id'], ['facet_values.id'], ),
    sa.ForeignKeyConstraint(['piece_id'], ['pieces.id'], ),
    sa.PrimaryKeyConstraint('piece_id', 'facet_value_id')
    )
    with op.batch_alter_table('piece_facets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_piece_facets_facet_value_id'), ['facet_value_id'], unique=False)

    op.create_table('piece_gates',
    sa.Column('piece_id', sa.Integer(), nullable=False),
    sa.Column('gate_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['gate_id'], ['gates.id'], ),
    sa.ForeignKeyConstraint(['piece_id'], ['pieces.id'], ),
    sa.PrimaryKeyConstraint('piece_id', 'gate_id')
    )
    with op.batch_alter_table('piece_gates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_piece_gates_gate_id'), ['gate_id'], unique=False)

    op.create_table('piece_stages',
    sa.Column('piece_id', sa.Integer(), nullable=False),
    sa.Column('stage_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['piece_id'], ['pieces.id'], ),
    sa.ForeignKeyConstraint(['stage_id'], ['stages.id'], ),
    sa.PrimaryKeyConstraint('piece_id', 'stage_id')
    )
    with op.batch_alter_table('piece_stages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_piece_stages_stage_id'), ['stage_id'], unique=False)

    op.create_table('piece_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('piece_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('blob_sha256', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('original_name', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('file_type', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('page_count', sa.Integer(), nullable=True),
    sa.Column('doc_title', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('doc_author', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('outcome_detail', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['blob_sha256'], ['blobs.sha256'], ),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['piece_id'], ['pieces.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('piece_id', 'number', name='uq_piece_versions_number')
    )
    with op.batch_alter_table('piece_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_piece_versions_blob_sha256'), ['blob_sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_piece_versions_piece_id'), ['piece_id'], unique=False)

    op.create_table('search_log',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('query', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('filters', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('result_count', sa.Integer(), nullable=False),
    sa.Column('opened_piece_id', sa.Integer(), nullable=True),
    sa.Column('shown_piece_ids', sa.Text(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['opened_piece_id'], ['pieces.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('search_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_log_occurred_at'), ['occurred_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_search_log_user_id'), ['user_id'], unique=False)

    op.create_table('usage_events',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('piece_id', sa.Integer(), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=True),
    sa.Column('occurred_at', sa.DateTime(), nullable=False),
    sa.Column('account', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('deal_stage_id', sa.Integer(), nullable=True),
    sa.Column('gate_id', sa.Integer(), nullable=True),
    sa.Column('helpful', sa.Boolean(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('kit_id', sa.Integer(), nullable=True),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['deal_stage_id'], ['stages.id'], ),
    sa.ForeignKeyConstraint(['gate_id'], ['gates.id'], ),
    sa.ForeignKeyConstraint(['kit_id'], ['kits.id'], ),
    sa.ForeignKeyConstraint(['piece_id'], ['pieces.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['version_id'], ['piece_versions.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('usage_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_usage_events_occurred_at'), ['occurred_at'], unique=False)
        batch_op.create_index('ix_usage_kind_time', ['kind', 'occurred_at'], unique=False)
        batch_op.create_index('ix_usage_piece_time', ['piece_id', 'occurred_at'], unique=False)
        batch_op.create_index('ix_usage_user_time', ['user_id', 'occurred_at'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('usage_events', schema=None) as batch_op:
        batch_op.drop_index('ix_usage_user_time')
        batch_op.drop_index('ix_usage_piece_time')
        batch_op.drop_index('ix_usage_kind_time')
        batch_op.drop_index(batch_op.f('ix_usage_events_occurred_at'))

    op.drop_table('usage_events')
    with op.batch_alter_table('search_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_log_user_id'))
        batch_op.drop_index(batch_op.f('ix_search_log_occurred_at'))

    op.drop_table('search_log')
    with op.batch_alter_table('piece_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_piece_versions_piece_id'))
        batch_op.drop_index(batch_op.f('ix_piece_versions_blob_sha256'))

    op.drop_table('piece_versions')
    with op.batch_alter_table('piece_stages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_piece_stages_stage_id'))

    op.drop_table('piece_stages')
    with op.batch_alter_table('piece_gates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_piece_gates_gate_id'))

    op.drop_table('piece_gates')
    with op.batch_alter_table('piece_facets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_piece_facets_facet_value_id'))

    op.drop_table('piece_facets')
    with op.batch_alter_table('kit_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kit_items_kit_id'))

    op.drop_table('kit_items')
    with op.batch_alter_table('content_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_content_requests_status'))
        batch_op.drop_index(batch_op.f('ix_content_requests_requester_id'))

    op.drop_table('content_requests')
    with op.batch_alter_table('pieces', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pieces_updated_at'))
        batch_op.drop_index(batch_op.f('ix_pieces_status'))

    op.drop_table('pieces')
    with op.batch_alter_table('kits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kits_owner_id'))

    op.drop_table('kits')
    with op.batch_alter_table('gates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gates_stage_id'))

    op.drop_table('gates')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_name'))

    op.drop_table('users')
    op.drop_table('synonyms')
    op.drop_table('stages')
    op.drop_table('library_meta')
    with op.batch_alter_table('facet_values', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_facet_values_facet'))

    op.drop_table('facet_values')
    op.drop_table('blobs')

