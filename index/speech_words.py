"""Word forms of saying: the verbs that introduce a quotation or report what someone said."""

from __future__ import annotations

# Verbs of saying and writing that introduce a quotation. "called X Y", "described X as Y" and
# "addressed X as Y" introduce their subject's words too. Kept as word forms, no lemmatizer.
SPEECH_VERBS = frozenset(
    """say says said saying tell tells told telling add adds added adding ask asks asked asking
    state states stated stating note notes noted noting write writes wrote writing post posts
    posted posting tweet tweets tweeted declare declares declared declaring announce announces
    announced announcing warn warns warned warning urge urges urged urging insist insists
    insisted insisting argue argues argued arguing explain explains explained explaining claim
    claims claimed claiming reply replies replied replying respond responds responded
    acknowledge acknowledges acknowledged admit admits admitted recall recalls recalled
    emphasize emphasizes emphasized emphasizing emphasise emphasised stress stresses stressed
    stressing conclude concluded predict predicts predicted promise promises promised vow vows
    vowed pledge pledged suggest suggests suggested caution cautioned joke joked quip quipped
    concede conceded complain complained lament lamented boast boasted counter countered
    observe observed remark remarked testify testified text texted call calls called calling
    describe describes described describing address addresses addressed addressing dub dubbed
    label labeled labelled brand branded characterize characterized characterise
    characterised praise praised hail hailed decry decried condemn condemned blast blasted slam
    slammed accuse accused criticize criticized criticise criticised mention mentioned reiterate
    reiterated repeat repeated shout shouted yell yelled scream screamed whisper whispered
    recount recounted apologize apologized thank thanked tout touted affirm affirmed assert
    asserted contend contended maintain maintained confirm confirmed deny denied reveal revealed
    report reports reported continue continued continues read reads laud lauds lauded
    compliment compliments complimented mourn mourned eulogize eulogized reflect reflected
    share shared""".split()
)
# Verbs whose clause is reported speech ("Putin stated that …", "Xi voiced his hope that …").
REPORT_VERBS = SPEECH_VERBS | frozenset(
    "voice voiced voices express expressed expresses believe believes believed hope hoped "
    "refer refers referred referring".split()
)
