"""rate counters keep the end of their window (indexed, for purging ended ones)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26

Counters are transient (a few minutes of attempts); the upgrade forgets those in progress
rather than guessing the windows they were counted in.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("DELETE FROM rate_counter")
    with op.batch_alter_table('rate_counter') as batch:
        batch.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False))
        batch.drop_column('window_start')
        batch.create_index(batch.f('ix_rate_counter_expires_at'), ['expires_at'], unique=False)


def downgrade():
    op.execute("DELETE FROM rate_counter")
    with op.batch_alter_table('rate_counter') as batch:
        batch.drop_index(batch.f('ix_rate_counter_expires_at'))
        batch.add_column(sa.Column('window_start', sa.DateTime(timezone=True), nullable=False))
        batch.drop_column('expires_at')
