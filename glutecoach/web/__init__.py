"""``glutecoach serve``: the app in a browser, with the browser speaking the cues.

textual-serve runs the app and draws it in the page; around it we add a token on every
request (:mod:`.guard`), a cue stream from the app's relay voice to the page (:mod:`.cues`),
and a page of our own with a small script that speaks what it receives (``page/``).
"""
