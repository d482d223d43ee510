"""Dynamic management (动态管理): approved dibao and tekun households, their recheck class and their rechecks."""
