"""The attack a release meets before it is published: what an adversary holding every
published release can derive of each count about children (:mod:`.intervals`,
:mod:`.linking`), and releases protected until nothing is exposed (:mod:`.release`)."""
