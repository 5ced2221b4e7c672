from transforms.dedup import NearDuplicateIndex, distance, simhash

WIRE = " ".join(
    f"On day {n} of the works the council reported that crews had replaced {n * 3} beams, "
    f"that the budget of {n + 40} thousand was holding, and that residents of street {n} "
    "should expect noise in the early morning while cranes moved steel across the river."
    for n in range(1, 13)
)


def test_near_copies_are_close_and_other_texts_far():
    syndicated = "By Staff Reporter. " + WIRE + " Copyright 2024 Town Times."
    other = "The football club announced a new manager on Monday after a long search for a coach with experience in the top division and a record of developing young players."
    assert distance(simhash(WIRE), simhash(syndicated)) <= 3
    assert distance(simhash(WIRE), simhash(other)) > 10
    assert simhash("too short") == 0
    assert -(2**63) <= simhash(WIRE) < 2**63


def test_index_points_to_the_earliest_copy():
    index = NearDuplicateIndex()
    index.add(simhash(WIRE), "first")
    index.add(simhash(WIRE + " Updated at noon."), "second")
    assert index.find(simhash("By Staff Reporter. " + WIRE)) == "first"
    assert index.find(simhash(WIRE), exclude="first") == "second"
    assert (
        index.find(
            simhash(
                "An unrelated story about the weather this weekend and the rain that is coming to the hills."
            )
        )
        is None
    )
