"""Country names, for telling a national side from a club named after its city.

A club or county side named after a place ("Ardley beat Bexham", "Ardley 4 Bexham 2")
is an organisation; a country stays a place even on the sports pages ("Portugal beat
Norway"), as news annotation (CoNLL, OntoNotes) has it. The list holds
sovereign states and a few sporting nations (the home nations of the UK) in the forms
news writes them, lower case.
"""

from __future__ import annotations

from typing import Final

COUNTRIES: Final = frozenset(
    line.strip()
    for line in """
        afghanistan
        albania
        algeria
        andorra
        angola
        antigua and barbuda
        argentina
        armenia
        australia
        austria
        azerbaijan
        bahamas
        bahrain
        bangladesh
        barbados
        belarus
        belgium
        belize
        benin
        bhutan
        bolivia
        bosnia
        bosnia and herzegovina
        botswana
        brazil
        brunei
        bulgaria
        burkina faso
        burundi
        cambodia
        cameroon
        canada
        cape verde
        central african republic
        chad
        chile
        china
        colombia
        comoros
        congo
        costa rica
        croatia
        cuba
        cyprus
        czech republic
        czechia
        denmark
        djibouti
        dominica
        dominican republic
        ecuador
        egypt
        el salvador
        england
        equatorial guinea
        eritrea
        estonia
        eswatini
        ethiopia
        fiji
        finland
        france
        gabon
        gambia
        georgia
        germany
        ghana
        great britain
        greece
        grenada
        guatemala
        guinea
        guinea-bissau
        guyana
        haiti
        honduras
        hong kong
        hungary
        iceland
        india
        indonesia
        iran
        iraq
        ireland
        israel
        italy
        ivory coast
        jamaica
        japan
        jordan
        kazakhstan
        kenya
        kiribati
        kosovo
        kuwait
        kyrgyzstan
        laos
        latvia
        lebanon
        lesotho
        liberia
        libya
        liechtenstein
        lithuania
        luxembourg
        macedonia
        madagascar
        malawi
        malaysia
        maldives
        mali
        malta
        mauritania
        mauritius
        mexico
        moldova
        monaco
        mongolia
        montenegro
        morocco
        mozambique
        myanmar
        namibia
        nauru
        nepal
        netherlands
        new zealand
        nicaragua
        niger
        nigeria
        north korea
        north macedonia
        northern ireland
        norway
        oman
        pakistan
        palau
        palestine
        panama
        papua new guinea
        paraguay
        peru
        philippines
        poland
        portugal
        qatar
        romania
        russia
        rwanda
        saint lucia
        samoa
        san marino
        saudi arabia
        scotland
        senegal
        serbia
        seychelles
        sierra leone
        singapore
        slovakia
        slovenia
        solomon islands
        somalia
        south africa
        south korea
        south sudan
        spain
        sri lanka
        sudan
        suriname
        sweden
        switzerland
        syria
        taiwan
        tajikistan
        tanzania
        thailand
        togo
        tonga
        trinidad and tobago
        tunisia
        turkey
        turkmenistan
        tuvalu
        uae
        uganda
        ukraine
        united arab emirates
        united kingdom
        united states
        uk
        us
        u.s.
        usa
        uruguay
        uzbekistan
        vanuatu
        venezuela
        vietnam
        wales
        west indies
        yemen
        yugoslavia
        zambia
        zimbabwe
    """.strip().splitlines()
)
