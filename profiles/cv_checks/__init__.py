"""Is this file a CV we are willing to keep and send to recruiters?

Two stages, so that no request ever does unbounded work on someone's file:

- :mod:`.quick` runs in the upload request and only looks: the name, the size,
  the first bytes, the end of a PDF, a DOCX's zip directory. Nothing is
  decompressed or parsed deeply. A file that passes is stored in quarantine
  (state "checking").
- :mod:`.deep` runs from the outbox in a worker, inside a child process with
  hard memory, CPU, wall-clock and output limits (:mod:`jobletters.lib.sandbox`)
  and a cap on decompressed bytes. It parses the whole file, accepts only what
  a CV needs (allow-lists in :mod:`.pdf` and :mod:`.docx`), reads the text for
  matching and writes the *normalised copy* recruiters receive.

Every refusal is a :class:`~.common.Refused` with a message the person can act
on. The modules of this package except :mod:`.runner` import nothing from
Django: the child process imports them without settings or a database.
"""
