"""index rate counters by window start, for purging old ones

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(op.f('ix_rate_counter_window_start'), 'rate_counter', ['window_start'],
                    unique=False)


def downgrade():
    op.drop_index(op.f('ix_rate_counter_window_start'), table_name='rate_counter')
