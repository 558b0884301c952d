"""Places of the synthetic Lithuania: towns of each municipality (nominative and genitive, for
addresses and names), city neighbourhoods, telephone area codes and postal-code prefixes.

Populations here are a fallback only (engine tests, a municipality classifier without them): the
loader passes the populations of the municipality classifier (attribute `population`).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    code: str
    seat: tuple[str, str]  # (nominative, genitive) of the town that gives names to the institutions
    towns: tuple[tuple[str, str], ...]  # other towns and villages
    neighbourhoods: tuple[str, ...]  # genitive, for city schools ("Žirmūnų")
    area_code: str
    postal_prefix: str
    population: int
    kind: str  # city / district / other


def _towns(spec: str) -> tuple[tuple[str, str], ...]:
    return tuple(tuple(pair.split("/")) for pair in spec.split(", ") if pair)  # type: ignore[misc]


_VILNIUS = ("Žirmūnų", "Antakalnio", "Žvėryno", "Lazdynų", "Karoliniškių", "Justiniškių", "Pilaitės",
            "Fabijoniškių", "Pašilaičių", "Šeškinės", "Viršuliškių", "Naujininkų", "Naujosios Vilnios",
            "Grigiškių", "Jeruzalės", "Santariškių", "Baltupių", "Verkių", "Šnipiškių", "Užupio",
            "Senamiesčio", "Naujamiesčio", "Rasų", "Vilkpėdės", "Markučių", "Saulėtekio", "Pavilnio",
            "Trakų Vokės", "Balsių", "Visorių", "Tarandės", "Bajorų", "Paupio", "Salininkų", "Kalnėnų",
            "Lazdynėlių", "Rokantiškių", "Bukčių")
_KAUNAS = ("Šilainių", "Dainavos", "Eigulių", "Žaliakalnio", "Aleksoto", "Vilijampolės", "Petrašiūnų",
           "Panemunės", "Kalniečių", "Gričiupio", "Senamiesčio", "Naujamiesčio", "Šančių", "Palemono",
           "Romainių", "Vaišvydavos", "Sargėnų", "Vytėnų", "Kleboniškio", "Milikonių")
_KLAIPEDA = ("Baltijos", "Smeltės", "Gedminų", "Sendvario", "Santarvės", "Vyturio", "Žemynos", "Ąžuolyno",
             "Vėtrungės", "Žardininkų", "Bandužių", "Melnragės", "Girulių", "Tauralaukio", "Laukininkų",
             "Debreceno", "Varpo", "Verdenės")
_SIAULIAI = ("Didždvario", "Lieporių", "Rėkyvos", "Medelyno", "Gegužių", "Dainų", "Zoknių", "Salduvės",
             "Gubernijos", "Vijolių", "Talšos", "Sandoros", "Romuvos", "Juventos", "Jaunystės")
_PANEVEZYS = ("Rožyno", "Kniaudiškių", "Pilėnų", "Molainių", "Tulpių", "Ąžuolo", "Vilties", "Smėlynės",
              "Senamiesčio", "Žemaičių", "Klaipėdos", "Ramygalos")
_ALYTUS = ("Dainavos", "Putinų", "Vidzgirio", "Likiškių", "Senamiesčio", "Šaltinių", "Panemunės", "Volungės")
_PALANGA = ("Šventosios", "Vanagupės", "Kunigiškių", "Baltijos", "Nemirsetos")
_VISAGINAS = ("Verdenės", "Atgimimo", "Žiburio", "Gerosios vilties", "Santarvės", "Draugystės")

# code: seat nominative/genitive | other towns | area code | postal prefix | population | kind | neighbourhoods
_ROWS = [
    ("LT-01", "Naujoji Akmenė/Naujosios Akmenės", "Akmenė/Akmenės, Venta/Ventos, Kruopiai/Kruopių, "
     "Papilė/Papilės, Alkiškiai/Alkiškių", "425", "85", 19000, "district", ()),
    ("LT-02", "Alytus/Alytaus", "", "315", "62", 50000, "city", _ALYTUS),
    ("LT-03", "Alytus/Alytaus", "Daugai/Daugų, Simnas/Simno, Butrimonys/Butrimonių, Alovė/Alovės, "
     "Krokialaukis/Krokialaukio, Miroslavas/Miroslavo, Raitininkai/Raitininkų, Luksnėnai/Luksnėnų, "
     "Pivašiūnai/Pivašiūnų", "315", "64", 26000, "district", ()),
    ("LT-04", "Anykščiai/Anykščių", "Kavarskas/Kavarsko, Troškūnai/Troškūnų, Svėdasai/Svėdasų, "
     "Kurkliai/Kurklių, Andrioniškis/Andrioniškio, Debeikiai/Debeikių, Viešintos/Viešintų", "381", "29", 23000,
     "district", ()),
    ("LT-05", "Birštonas/Birštono", "Nemajūnai/Nemajūnų, Siponys/Siponių", "319", "59", 4000, "other", ()),
    ("LT-06", "Biržai/Biržų", "Pabiržė/Pabiržės, Vabalninkas/Vabalninko, Papilys/Papilio, "
     "Nemunėlio Radviliškis/Nemunėlio Radviliškio, Pačeriaukštė/Pačeriaukštės, Parovėja/Parovėjos", "450",
     "41", 23000, "district", ()),
    ("LT-07", "Druskininkai/Druskininkų", "Viečiūnai/Viečiūnų, Leipalingis/Leipalingio, Ricieliai/Ricielių",
     "313", "66", 21000, "other", ()),
    ("LT-08", "Elektrėnai/Elektrėnų", "Vievis/Vievio, Kietaviškės/Kietaviškių, Semeliškės/Semeliškių, "
     "Beižionys/Beižionių, Pastrėvys/Pastrėvio", "528", "26", 24000, "other", ()),
    ("LT-09", "Ignalina/Ignalinos", "Dūkštas/Dūkšto, Vidiškės/Vidiškių, Didžiasalis/Didžiasalio, "
     "Kazitiškis/Kazitiškio, Mielagėnai/Mielagėnų, Linkmenys/Linkmenų, Rimšė/Rimšės", "386", "30", 15000,
     "district", ()),
    ("LT-10", "Jonava/Jonavos", "Upninkai/Upninkų, Rukla/Ruklos, Bukonys/Bukonių, Žeimiai/Žeimių, "
     "Kulva/Kulvos, Šilai/Šilų", "349", "55", 40000, "district", ()),
    ("LT-11", "Joniškis/Joniškio", "Žagarė/Žagarės, Kriukai/Kriukų, Skaistgirys/Skaistgirio, "
     "Gataučiai/Gataučių, Saugėlaukis/Saugėlaukio, Satkūnai/Satkūnų", "426", "84", 21000, "district", ()),
    ("LT-12", "Jurbarkas/Jurbarko", "Seredžius/Seredžiaus, Veliuona/Veliuonos, Eržvilkas/Eržvilko, "
     "Skirsnemunė/Skirsnemunės, Smalininkai/Smalininkų, Viešvilė/Viešvilės, Girdžiai/Girdžių, "
     "Raudonė/Raudonės", "447", "74", 25000, "district", ()),
    ("LT-13", "Kaišiadorys/Kaišiadorių", "Žiežmariai/Žiežmarių, Rumšiškės/Rumšiškių, Kruonis/Kruonio, "
     "Palomenė/Palomenės, Žasliai/Žaslių, Paparčiai/Paparčių, Pravieniškės/Pravieniškių", "346", "56", 29000,
     "district", ()),
    ("LT-14", "Kalvarija/Kalvarijos", "Liubavas/Liubavo, Akmenynai/Akmenynų, Sangrūda/Sangrūdos, "
     "Jungėnai/Jungėnų", "343", "69", 11000, "other", ()),
    ("LT-15", "Kaunas/Kauno", "", "37", "4", 305000, "city", _KAUNAS),
    ("LT-16", "Garliava/Garliavos", "Raudondvaris/Raudondvario, Ringaudai/Ringaudų, Akademija/Akademijos, "
     "Domeikava/Domeikavos, Karmėlava/Karmėlavos, Vilkija/Vilkijos, Ežerėlis/Ežerėlio, Zapyškis/Zapyškio, "
     "Babtai/Babtų, Čekiškė/Čekiškės, Kulautuva/Kulautuvos, Linksmakalnis/Linksmakalnio, "
     "Neveronys/Neveronių, Samylai/Samylų, Lapės/Lapių", "37", "53", 100000, "district", ()),
    ("LT-17", "Kazlų Rūda/Kazlų Rūdos", "Plutiškės/Plutiškių, Jankai/Jankų, Antanavas/Antanavo", "343", "69",
     12000, "other", ()),
    ("LT-18", "Kėdainiai/Kėdainių", "Šeta/Šetos, Josvainiai/Josvainių, Surviliškis/Surviliškio, "
     "Truskava/Truskavos, Gudžiūnai/Gudžiūnų, Krakės/Krakių, Pernarava/Pernaravos, Dotnuva/Dotnuvos, "
     "Vilainiai/Vilainių", "347", "57", 47000, "district", ()),
    ("LT-19", "Kelmė/Kelmės", "Tytuvėnai/Tytuvėnų, Užventis/Užvenčio, Kražiai/Kražių, Kukečiai/Kukečių, "
     "Lioliai/Liolių, Šaukėnai/Šaukėnų, Vaiguva/Vaiguvos, Pakražantis/Pakražančio", "427", "86", 25000,
     "district", ()),
    ("LT-20", "Klaipėda/Klaipėdos", "", "46", "9", 159000, "city", _KLAIPEDA),
    ("LT-21", "Gargždai/Gargždų", "Priekulė/Priekulės, Dovilai/Dovilų, Vėžaičiai/Vėžaičių, "
     "Kretingalė/Kretingalės, Dreverna/Drevernos, Endriejavas/Endriejavo, Veiviržėnai/Veiviržėnų, "
     "Agluonėnai/Agluonėnų, Judrėnai/Judrėnų, Slengiai/Slengių", "46", "96", 68000, "district", ()),
    ("LT-22", "Kretinga/Kretingos", "Salantai/Salantų, Darbėnai/Darbėnų, Kartena/Kartenos, "
     "Kūlupėnai/Kūlupėnų, Jokūbavas/Jokūbavo, Vydmantai/Vydmantų, Baubliai/Baublių", "445", "97", 39000,
     "district", ()),
    ("LT-23", "Kupiškis/Kupiškio", "Subačius/Subačiaus, Skapiškis/Skapiškio, Šimonys/Šimonių, "
     "Noriūnai/Noriūnų, Alizava/Alizavos", "459", "40", 16000, "district", ()),
    ("LT-24", "Lazdijai/Lazdijų", "Veisiejai/Veisiejų, Seirijai/Seirijų, Šeštokai/Šeštokų, "
     "Kapčiamiestis/Kapčiamiesčio, Šventežeris/Šventežerio, Kučiūnai/Kučiūnų, Krosna/Krosnos", "318", "67",
     18000, "district", ()),
    ("LT-25", "Marijampolė/Marijampolės", "Sasnava/Sasnavos, Igliauka/Igliaukos, Liudvinavas/Liudvinavo, "
     "Gudeliai/Gudelių, Mokolai/Mokolų, Daukšiai/Daukšių, Šunskai/Šunskų, Degučiai/Degučių", "343", "68",
     57000, "other", ()),
    ("LT-26", "Mažeikiai/Mažeikių", "Viekšniai/Viekšnių, Seda/Sedos, Tirkšliai/Tirkšlių, Židikai/Židikų, "
     "Laižuva/Laižuvos, Reivyčiai/Reivyčių, Šerkšnėnai/Šerkšnėnų, Ukrinai/Ukrinų", "443", "89", 52000,
     "district", ()),
    ("LT-27", "Molėtai/Molėtų", "Alanta/Alantos, Giedraičiai/Giedraičių, Joniškis/Joniškio, "
     "Balninkai/Balninkų, Dubingiai/Dubingių, Suginčiai/Suginčių, Videniškiai/Videniškių, Inturkė/Inturkės",
     "383", "33", 18000, "district", ()),
    ("LT-28", "Nida/Nidos", "Juodkrantė/Juodkrantės, Preila/Preilos, Pervalka/Pervalkos", "469", "93", 3000,
     "other", ()),
    ("LT-29", "Pagėgiai/Pagėgių", "Vilkyškiai/Vilkyškių, Natkiškiai/Natkiškių, Stoniškiai/Stoniškių, "
     "Lumpėnai/Lumpėnų", "441", "99", 7000, "other", ()),
    ("LT-30", "Pakruojis/Pakruojo", "Linkuva/Linkuvos, Rozalimas/Rozalimo, Žeimelis/Žeimelio, "
     "Guostagalis/Guostagalio, Klovainiai/Klovainių, Lygumai/Lygumų, Pašvitinys/Pašvitinio", "421", "83",
     20000, "district", ()),
    ("LT-31", "Palanga/Palangos", "", "460", "00", 18000, "city", _PALANGA),
    ("LT-32", "Panevėžys/Panevėžio", "", "45", "3", 86000, "city", _PANEVEZYS),
    ("LT-33", "Velžys/Velžio", "Ramygala/Ramygalos, Krekenava/Krekenavos, Naujamiestis/Naujamiesčio, "
     "Raguva/Raguvos, Miežiškiai/Miežiškių, Upytė/Upytės, Paįstrys/Paįstrio, Karsakiškis/Karsakiškio, "
     "Smilgiai/Smilgių, Vadokliai/Vadoklių, Berčiūnai/Berčiūnų", "45", "38", 35000, "district", ()),
    ("LT-34", "Pasvalys/Pasvalio", "Joniškėlis/Joniškėlio, Saločiai/Saločių, Pušalotas/Pušaloto, "
     "Krinčinas/Krinčino, Daujėnai/Daujėnų, Vaškai/Vaškų, Pumpėnai/Pumpėnų, Namišiai/Namišių", "451", "39",
     23000, "district", ()),
    ("LT-35", "Plungė/Plungės", "Kuliai/Kulių, Žemaičių Kalvarija/Žemaičių Kalvarijos, Alsėdžiai/Alsėdžių, "
     "Plateliai/Platelių, Stalgėnai/Stalgėnų, Šateikiai/Šateikių, Babrungas/Babrungo, Paukštakiai/Paukštakių",
     "448", "90", 33000, "district", ()),
    ("LT-36", "Prienai/Prienų", "Jieznas/Jiezno, Stakliškės/Stakliškių, Veiveriai/Veiverių, "
     "Balbieriškis/Balbieriškio, Išlaužas/Išlaužo, Pakuonis/Pakuonio, Skriaudžiai/Skriaudžių, "
     "Šilavotas/Šilavoto", "319", "59", 25000, "district", ()),
    ("LT-37", "Radviliškis/Radviliškio", "Baisogala/Baisogalos, Šeduva/Šeduvos, Grinkiškis/Grinkiškio, "
     "Šiaulėnai/Šiaulėnų, Tyruliai/Tyrulių, Pakalniškiai/Pakalniškių, Sidabravas/Sidabravo, "
     "Pociūnėliai/Pociūnėlių, Aukštelkė/Aukštelkės", "422", "82", 35000, "district", ()),
    ("LT-38", "Raseiniai/Raseinių", "Ariogala/Ariogalos, Viduklė/Viduklės, Betygala/Betygalos, "
     "Girkalnis/Girkalnio, Šiluva/Šiluvos, Nemakščiai/Nemakščių, Kalnujai/Kalnujų, Ilgižiai/Ilgižių", "428",
     "60", 30000, "district", ()),
    ("LT-39", "Rietavas/Rietavo", "Tverai/Tverų, Daugėdai/Daugėdų, Medingėnai/Medingėnų", "448", "90", 7000,
     "other", ()),
    ("LT-40", "Rokiškis/Rokiškio", "Obeliai/Obelių, Pandėlys/Pandėlio, Kamajai/Kamajų, Juodupė/Juodupės, "
     "Jūžintai/Jūžintų, Panemunėlis/Panemunėlio, Kriaunos/Kriaunų, Salos/Salų, Duokiškis/Duokiškio", "458",
     "42", 27000, "district", ()),
    ("LT-41", "Šakiai/Šakių", "Gelgaudiškis/Gelgaudiškio, Kudirkos Naumiestis/Kudirkos Naumiesčio, "
     "Lukšiai/Lukšių, Griškabūdis/Griškabūdžio, Kiduliai/Kidulių, Sintautai/Sintautų, Lekėčiai/Lekėčių, "
     "Slavikai/Slavikų, Plokščiai/Plokščių", "345", "71", 26000, "district", ()),
    ("LT-42", "Šalčininkai/Šalčininkų", "Eišiškės/Eišiškių, Jašiūnai/Jašiūnų, Baltoji Vokė/Baltosios Vokės, "
     "Dieveniškės/Dieveniškių, Butrimonys/Butrimonių, Turgeliai/Turgelių, Kalesninkai/Kalesninkų, "
     "Tabariškės/Tabariškių", "380", "17", 30000, "district", ()),
    ("LT-43", "Šiauliai/Šiaulių", "", "41", "7", 108000, "city", _SIAULIAI),
    ("LT-44", "Kuršėnai/Kuršėnų", "Ginkūnai/Ginkūnų, Gruzdžiai/Gruzdžių, Kužiai/Kužių, "
     "Meškuičiai/Meškuičių, Kairiai/Kairių, Bubiai/Bubių, Raudėnai/Raudėnų, Šakyna/Šakynos, "
     "Kurtuvėnai/Kurtuvėnų, Gilvyčiai/Gilvyčių, Naisiai/Naisių", "41", "81", 39000, "district", ()),
    ("LT-45", "Šilalė/Šilalės", "Kaltinėnai/Kaltinėnų, Laukuva/Laukuvos, Pajūris/Pajūrio, "
     "Kvėdarna/Kvėdarnos, Upyna/Upynos, Bijotai/Bijotų, Traksėdžiai/Traksėdžių, Teneniai/Tenenių", "449",
     "75", 21000, "district", ()),
    ("LT-46", "Šilutė/Šilutės", "Rusnė/Rusnės, Juknaičiai/Juknaičių, Kintai/Kintų, Saugos/Saugų, "
     "Švėkšna/Švėkšnos, Usėnai/Usėnų, Žemaičių Naumiestis/Žemaičių Naumiesčio, Vainutas/Vainuto, "
     "Katyčiai/Katyčių, Gardamas/Gardamo", "441", "99", 37000, "district", ()),
    ("LT-47", "Širvintos/Širvintų", "Musninkai/Musninkų, Gelvonai/Gelvonų, Čiobiškis/Čiobiškio, "
     "Jauniūnai/Jauniūnų, Kernavė/Kernavės, Bagaslaviškis/Bagaslaviškio, Alionys/Alionių", "382", "19",
     15000, "district", ()),
    ("LT-48", "Skuodas/Skuodo", "Mosėdis/Mosėdžio, Ylakiai/Ylakių, Barstyčiai/Barstyčių, Lenkimai/Lenkimų, "
     "Aleksandrija/Aleksandrijos, Notėnai/Notėnų, Šačiai/Šačių", "440", "98", 16000, "district", ()),
    ("LT-49", "Švenčionys/Švenčionių", "Švenčionėliai/Švenčionėlių, Pabradė/Pabradės, "
     "Cirkliškis/Cirkliškio, Adutiškis/Adutiškio, Strūnaitis/Strūnaičio, Reškutėnai/Reškutėnų, "
     "Kaltanėnai/Kaltanėnų", "387", "18", 23000, "district", ()),
    ("LT-50", "Tauragė/Tauragės", "Skaudvilė/Skaudvilės, Gaurė/Gaurės, Batakiai/Batakių, "
     "Lauksargiai/Lauksargių, Mažonai/Mažonų, Žygaičiai/Žygaičių, Pagramantis/Pagramančio", "446", "72",
     37000, "district", ()),
    ("LT-51", "Telšiai/Telšių", "Varniai/Varnių, Luokė/Luokės, Nevarėnai/Nevarėnų, Degaičiai/Degaičių, "
     "Žarėnai/Žarėnų, Tryškiai/Tryškių, Ryškėnai/Ryškėnų, Gadūnavas/Gadūnavo", "444", "87", 40000,
     "district", ()),
    ("LT-52", "Trakai/Trakų", "Lentvaris/Lentvario, Rūdiškės/Rūdiškių, Aukštadvaris/Aukštadvario, "
     "Onuškis/Onuškio, Paluknys/Paluknio, Grendavė/Grendavės, Senieji Trakai/Senųjų Trakų", "528", "21",
     33000, "district", ()),
    ("LT-53", "Ukmergė/Ukmergės", "Deltuva/Deltuvos, Želva/Želvos, Vepriai/Veprių, Šešuoliai/Šešuolių, "
     "Taujėnai/Taujėnų, Siesikai/Siesikų, Pabaiskas/Pabaisko, Žemaitkiemis/Žemaitkiemio, "
     "Lyduokiai/Lyduokių, Vidiškiai/Vidiškių", "340", "20", 35000, "district", ()),
    ("LT-54", "Utena/Utenos", "Užpaliai/Užpalių, Leliūnai/Leliūnų, Tauragnai/Tauragnų, Vyžuonos/Vyžuonų, "
     "Daugailiai/Daugailių, Saldutiškis/Saldutiškio, Sudeikiai/Sudeikių, Kuktiškės/Kuktiškių", "389", "28",
     38000, "district", ()),
    ("LT-55", "Varėna/Varėnos", "Matuizos/Matuizų, Merkinė/Merkinės, Valkininkai/Valkininkų, "
     "Perloja/Perlojos, Marcinkonys/Marcinkonių, Senoji Varėna/Senosios Varėnos, Vydeniai/Vydenių, "
     "Kaniava/Kaniavos", "310", "65", 20000, "district", ()),
    ("LT-56", "Vilkaviškis/Vilkaviškio", "Kybartai/Kybartų, Virbalis/Virbalio, Pilviškiai/Pilviškių, "
     "Gižai/Gižų, Keturvalakiai/Keturvalakių, Klausučiai/Klausučių, Bartninkai/Bartninkų, "
     "Vištytis/Vištyčio, Paežeriai/Paežerių", "342", "70", 34000, "district", ()),
    ("LT-57", "Vilnius/Vilniaus", "", "5", "0", 605000, "city", _VILNIUS),
    ("LT-58", "Nemenčinė/Nemenčinės", "Rudamina/Rudaminos, Maišiagala/Maišiagalos, Riešė/Riešės, "
     "Mickūnai/Mickūnų, Pagiriai/Pagirių, Bezdonys/Bezdonių, Sudervė/Sudervės, Avižieniai/Avižienių, "
     "Lavoriškės/Lavoriškių, Marijampolis/Marijampolio, Buivydžiai/Buivydžių, Juodšiliai/Juodšilių, "
     "Medininkai/Medininkų, Skaidiškės/Skaidiškių, Dūkštos/Dūkštų", "5", "14", 107000, "district", ()),
    ("LT-59", "Visaginas/Visagino", "", "386", "31", 18000, "other", _VISAGINAS),
    ("LT-60", "Zarasai/Zarasų", "Dusetos/Dusetų, Antazavė/Antazavės, Salakas/Salako, Degučiai/Degučių, "
     "Turmantas/Turmanto, Suviekas/Suvieko, Antalieptė/Antalieptės, Imbradas/Imbrado", "385", "32", 15000,
     "district", ()),
]

PLACES: dict[str, Place] = {
    code: Place(code=code, seat=tuple(seat.split("/")), towns=_towns(towns), neighbourhoods=tuple(hoods),  # type: ignore[arg-type]
                area_code=area, postal_prefix=postal, population=population, kind=kind)
    for code, seat, towns, area, postal, population, kind, hoods in _ROWS
}


def place_for(code: str, name: str) -> Place:
    """The place record of a municipality; a generic one (named after the municipality) if unknown."""
    if code in PLACES:
        return PLACES[code]
    stem = name.split()[0] if name else code
    return Place(code=code, seat=(stem, stem), towns=(), neighbourhoods=(), area_code="5", postal_prefix="0",
                 population=10000, kind="district")


STREETS = (
    "Mokyklos g.", "Vilniaus g.", "Gedimino g.", "Vytauto g.", "Maironio g.", "J. Basanavičiaus g.",
    "Kęstučio g.", "Laisvės al.", "Taikos pr.", "Žalgirio g.", "Sodų g.", "Liepų g.", "Ąžuolų g.", "Beržų g.",
    "Pušų g.", "Parko g.", "Stoties g.", "Tilto g.", "Ežero g.", "Sporto g.", "Jaunimo g.", "Respublikos g.",
    "Nepriklausomybės g.", "V. Kudirkos g.", "Dariaus ir Girėno g.", "Birutės g.", "Savanorių pr.",
    "Draugystės g.", "Statybininkų g.", "Naujoji g.", "Pievų g.", "Gėlių g.", "Miško g.", "Upės g.",
    "Kalno g.", "Aušros g.", "Žemaitės g.", "K. Donelaičio g.", "S. Daukanto g.", "M. Valančiaus g.",
    "A. Mickevičiaus g.", "Kauno g.", "Klaipėdos g.", "Šiaulių g.", "Panevėžio g.", "Dainavos g.",
    "Jaunystės g.", "Vasario 16-osios g.", "Ateities g.", "Technikos g.", "Bažnyčios g.", "Vytauto Didžiojo g.",
)
