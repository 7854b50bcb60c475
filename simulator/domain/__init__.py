"""The treaty and the facts it speaks of: the domain layer.

What lives here: the request and its decision (`model`), the offence, conduct and target catalogues
(`catalogue`), the provisions of the convention and of domestic law with their citations
(`provisions`), the safeguard settings a requested State may choose (`safeguards`), what a reviewer
perceives of a request (`signals`) and the pure decision core that turns a perception into a cited
decision (`rules`); the decisions of the fast channels at the 24/7 point of contact (preservation,
expedited disclosure, emergency, spontaneous information: `channels`), and what a requested State
learns about a requester, its record and a sequential rule that flags abuse (`monitoring`). The
catalogues themselves are data, in `data/`.

May import: nothing else of mlasim. Nothing here knows about time, queues, files or experiments.
"""
