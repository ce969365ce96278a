"""coach workspace: team headcounts, interim results, invitations

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03

Responses completed before this upgrade count in results as before (in_results true).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('team') as batch:
        batch.add_column(sa.Column('headcount', sa.Integer(), nullable=True))
    with op.batch_alter_table('campaign') as batch:
        batch.add_column(sa.Column('interim_results', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    with op.batch_alter_table('response') as batch:
        batch.add_column(sa.Column('in_results', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    op.execute("UPDATE response SET in_results = true WHERE status = 'complete'")
    op.create_table(
        'invitation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_invitation_user_id_user_account'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'],
                                name=op.f('fk_invitation_created_by_id_user_account'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_invitation')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_invitation_token_hash')),
    )
    with op.batch_alter_table('invitation') as batch:
        batch.create_index(batch.f('ix_invitation_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('invitation') as batch:
        batch.drop_index(batch.f('ix_invitation_user_id'))
    op.drop_table('invitation')
    with op.batch_alter_table('response') as batch:
        batch.drop_column('in_results')
    with op.batch_alter_table('campaign') as batch:
        batch.drop_column('interim_results')
    with op.batch_alter_table('team') as batch:
        batch.drop_column('headcount')
