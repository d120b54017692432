from civic.matching.ranking import Profile, Reason, needs_for, people_for, tags


def offer(key=1, area=1, skills="手話, 料理", languages="", slots=("sat-am",)):
    return Profile(key, area, tags(skills), tags(languages), frozenset(slots))


def need(key, area=1, skills="", languages="", slots=("sat-am",)):
    return Profile(key, area, tags(skills), tags(languages), frozenset(slots))


def test_tags_are_normalised():
    assert tags("手話、 ＰＣ ,pc\n") == {"手話", "pc"}


def test_needs_are_ranked_by_skill_then_area_then_time_and_explained():
    me = offer(slots=("sat-am", "sun-pm"))
    needs = [need(1, area=2), need(2, skills="手話", area=2), need(3, skills="手話"),
             need(4, slots=("mon-am",)), need(5, skills="大工")]
    ranked = needs_for(me, needs)
    assert [s.key for s in ranked] == [3, 2, 1]
    assert ranked[0].reasons == (Reason("area"), Reason("slot", "sat-am"), Reason("skill", "手話"))


def test_people_for_a_need_need_the_language_asked_for():
    people = [offer(1, languages="英語"), offer(2, languages="ベトナム語"), offer(3)]
    ranked = people_for(need(9, languages="ベトナム語"), people)
    assert [s.key for s in ranked] == [2]
    assert Reason("language", "ベトナム語") in ranked[0].reasons


def test_no_time_given_does_not_exclude():
    assert [s.key for s in needs_for(offer(slots=()), [need(1)])] == [1]
