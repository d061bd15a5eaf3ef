"""Operations: backups of the database and the uploaded media in one file (backups.py), and
the `backup` and `restore` commands (`make backup`, `make restore`). Named apart from the
git-ignored backups/ folder those commands write into."""
