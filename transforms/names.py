"""Common given names by the gender usually associated with them.

Only a prior for pronoun resolution: a person's own pronouns in the article
(he/she near their name) and honorifics (Mr., Mrs.) count for more.
"""

from __future__ import annotations

from typing import Final

MALE: Final = frozenset(
    """
        aaron abdul abraham adam adrian ahmed alan albert alejandro alex alexander
        alexei alfred ali andre andrew andy angelo anthony antonio arnold arthur
        barack barry ben benjamin benny bernard bernie bill billy bob bobby boris
        brad bradley brandon brett brian bruce bryan byron calvin carl carlos chad
        charles charlie chris christian christopher chuck clarence clark claude
        cliff clint cody colin connor craig curtis dale dan daniel danny darren dave
        david dean dennis derek dick dmitry don donald doug douglas duncan dustin
        dwight earl ed eddie edgar edward elijah elon emmanuel eric ernest ethan
        eugene evan frank franklin fred frederick gabriel gary gavin gene george
        gerald gordon graham greg gregory guy hank harold harry hassan hector henry
        herbert howard hugh hunter ian isaac ivan jack jacob jake james jamie jared
        jason javier jay jeff jeffrey jeremy jerome jerry jesse jim jimmy joe joel
        john johnny jon jonathan jorge jose joseph josh joshua juan julian justin
        karl keith ken kenneth kevin kim kyle larry lawrence lee leo leon leonard
        lewis lindsey lloyd louis lucas luis luke marco marcus mario mark martin
        marvin matt matthew maurice max michael miguel mike mitch mitchell mohamed
        mohammed muhammad narendra nathan neil nicholas nick nicolas noah norman
        oliver omar oscar owen pablo patrick paul pedro pete peter phil philip
        pierre rafael ralph randy ray raymond reggie reince rex richard rick ricky
        rob robert roberto rodney roger roland ron ronald ross roy rudy russell ryan
        sam samuel scott sean sergei sergio seth shawn sidney simon stanley stephen
        steve steven stuart ted terry thomas tim timothy todd tom tommy tony travis
        trevor troy tyler vernon victor vincent vladimir volodymyr walter warren
        wayne wesley william willie xi yahya yasser yuri zach zachary
    """.split()
)

FEMALE: Final = frozenset(
    """
        abigail ada adele alexandra alexis alice alicia alison allison amanda amber
        amy ana andrea angela angelina angie ann anna anne annie april ashley audrey
        barbara becky belinda betsy beth betty beverly brenda bridget brittany
        brooke camila candace carla carly carmen carol caroline carolyn carrie
        catherine cathy charlotte chelsea cheryl christina christine cindy claire
        clara claudia colleen condoleezza courtney crystal cynthia dana danielle
        dawn debbie deborah debra denise diana diane donna doris dorothy elaine
        eleanor elena elizabeth ellen emily emma erica erin eva evelyn fiona frances
        gabriela gail gina giorgia gloria grace gretchen hailey hannah harriet
        heather heidi helen hillary holly hope ilhan irene isabel isabella jackie
        jacqueline jane janet janice jasmine jean jeanne jennifer jenny jessica jill
        jo joan joanna jodi josephine joy joyce judith judy julia julie june karen
        kamala kate katherine kathleen kathryn kathy katie kay kayla kelly kelsey
        kim kimberly kirsten kristen kristi kristin laura lauren leah lillian linda
        lisa liz lois lori louise lucy lydia lynn madeline madison maggie margaret
        maria marie marilyn marine marion martha mary megan melania melanie melinda
        melissa meredith michele michelle mildred mindy miranda molly monica nancy
        naomi natalie nicole nikki nina nora olivia pamela patricia patty paula
        pauline peggy penny phyllis priscilla rachel rebecca regina rhonda rita
        roberta robin rosa rose rosemary ruth sally samantha sandra sara sarah
        sharon sheila shirley sophia sophie stacey stephanie sue susan suzanne
        sylvia tammy tanya tara taylor teresa theresa tiffany tina tracy tulsi
        ursula valerie vanessa vera veronica victoria virginia wanda wendy whitney
        yvonne zendaya
    """.split()
)


def gender_of_first_name(name: str) -> str | None:
    """'m', 'f' or None for a given name (case-insensitive); ambiguous names give None."""
    low = name.lower().strip(".")
    male, female = low in MALE, low in FEMALE
    if male == female:
        return None
    return "m" if male else "f"
