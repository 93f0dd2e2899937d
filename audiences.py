"""audiences.py: who the synthetic data is written for, and the words and names their values use.

One table, AUDIENCES. Each entry is a reader (`who`, e.g. "nurses planning ward rounds"), the
program they are writing (`ctx`), the words their example values use (`words`, space separated)
and the nouns that name those values in code: (plural, singular) pairs for a list of integers
(`numbers`: ("dosages", "dose")) and for a list of strings (`texts`: ("wards", "ward")), and
(dictionary, key, value) triples for a dict[str, int] (`dicts`).

Readers: curriculum.py takes (who, ctx, words) for its families and lessons (and llm.py's prompts
take them from there); compose.py takes (numbers, texts, dicts) as its VOCAB, keyed by `who`.
This module imports nothing from the project.

Rules (tests/test_data_gen.py checks them on every entry):
  - words: lowercase ASCII letters only, 2 to 12 letters, no repeats within an audience; plain
    nouns and adjectives of the field, some starting and some ending with a vowel (the tests and
    maps the generator draws look at first and last letters);
  - identifiers (every plural, singular and triple member) match [a-z][a-z0-9_]*, have at most
    16 characters, are not Python keywords or builtins and not a name the generator uses itself
    (`text`, `item`, `total`, `value`, ... and compose.GENERIC / compose.NEUTRAL's nouns; the
    test holds the full list); a pair's plural and singular differ, and no identifier appears
    twice within one audience's numbers, texts and dicts together;
  - number nouns name things counted or measured in whole numbers, text nouns things named by
    words.
The first 20 audiences are the original ones: their who/ctx strings are unchanged, and their
first 4 number pairs, 4 text pairs and 2 dict triples are the original nouns, kept as they were
even where one breaks a rule above (a reserved name such as `item`, a key that repeats a text
noun); compose.choose_names renames any clash, and the test exempts exactly those.
"""
from typing import NamedTuple


class Audience(NamedTuple):
    who: str        # the reader, as a prompt names them
    ctx: str        # the program they are writing
    words: str      # value words, space separated
    numbers: list   # (plural, singular) names for a list of integers
    texts: list     # (plural, singular) names for a list of strings
    dicts: list     # (dictionary, key, value) names for a dict[str, int]


AUDIENCES = [
    # ---- the original 20 (their first 4 + 4 + 2 nouns are the original compose.VOCAB)
    Audience(
        "complete beginners writing their first programs", "a small shopping list program",
        "apple banana cherry grape lemon mango melon orange peach pear plum kiwi lime fig date "
        "apricot avocado olive onion potato tomato carrot celery bread cheese milk egg yogurt "
        "cereal coffee",
        [("prices", "price"), ("quantities", "qty"), ("costs", "cost"), ("totals", "amount"),
         ("budgets", "budget"), ("savings", "saving"), ("pack_sizes", "pack"),
         ("calories", "kcal")],
        [("groceries", "grocery"), ("fruits", "fruit"), ("items", "item"), ("snacks", "snack"),
         ("vegetables", "vegetable"), ("drinks", "drink"), ("shops", "shop"), ("brands", "brand")],
        [("basket", "fruit", "qty"), ("shopping", "item", "count"),
         ("pantry_stock", "product", "tins"), ("price_list", "article", "cents")]),
    Audience(
        "high-school students", "a class project about animals",
        "cat dog horse tiger zebra lion otter panda koala eagle shark whale mouse camel llama "
        "owl bear wolf fox rabbit giraffe hippo rhino gorilla ostrich iguana octopus beaver bison "
        "alpaca",
        [("marks", "mark"), ("ages", "age"), ("grades", "grade"), ("lap_times", "lap"),
         ("heights_cm", "height"), ("weights_kg", "kilos"), ("lifespans", "lifespan"),
         ("populations", "population")],
        [("animals", "animal"), ("pets", "pet"), ("species", "kind"), ("classmates", "classmate"),
         ("habitats", "habitat"), ("continents", "continent"), ("diets", "diet"),
         ("subjects", "subject")],
        [("zoo", "animal", "count"), ("class_scores", "student", "score"),
         ("sightings", "creature", "times"), ("homework", "topic", "minutes")]),
    Audience(
        "biology students", "processing notes from the lab",
        "gene cell protein enzyme membrane nucleus ribosome virus tissue organ spore algae codon "
        "allele amino bacteria chromosome cytoplasm embryo fungus genome hormone lipid mitosis "
        "neuron plasmid pollen vacuole antibody yeast",
        [("readings", "reading"), ("cell_counts", "cells"), ("lengths_um", "length"),
         ("colonies", "colony"), ("ph_levels", "ph"), ("base_pairs", "bp"),
         ("doubling_times", "doubling"), ("absorbances", "absorbance")],
        [("genes", "gene"), ("samples", "sample"), ("sequences", "seq"), ("strains", "strain"),
         ("organisms", "organism"), ("primers", "primer"), ("tissues", "tissue"),
         ("reagents", "reagent")],
        [("expression", "gene", "level"), ("plate_counts", "plate", "colonies"),
         ("growth", "culture", "hours"), ("gel_bands", "lane", "band_count")]),
    Audience(
        "data analysts moving from spreadsheets to Python", "cleaning a column of city names",
        "paris london tokyo lima cairo oslo rome delhi berlin madrid quito nairobi seoul dublin "
        "vienna prague lisbon athens boston chicago toronto sydney mumbai lagos accra bogota "
        "manila hanoi warsaw ottawa",
        [("column", "cell"), ("sales", "sale"), ("revenues", "revenue"), ("row_counts", "n_rows"),
         ("margins", "margin"), ("units_sold", "units"), ("forecasts", "forecast"),
         ("headcounts", "headcount")],
        [("cities", "city"), ("rows", "row"), ("headers", "header"), ("regions", "region"),
         ("countries", "country"), ("sheets", "sheet"), ("metrics", "metric"),
         ("customers", "customer")],
        [("population", "city", "people"), ("sales_by_region", "region", "sales"),
         ("orders_by_month", "month", "orders"), ("footfall", "store", "shoppers")]),
    Audience(
        "hobby game developers", "an inventory system for a role-playing game",
        "sword shield potion dragon wizard castle arrow helmet goblin scroll dungeon torch gem "
        "amulet armour axe bow crown elixir knight orc ogre quest rune tavern troll wand dagger "
        "lantern ember",
        [("hit_points", "hp"), ("damages", "damage"), ("scores", "score"), ("coins", "coin"),
         ("mana_costs", "mana"), ("xp_gains", "xp"), ("speeds", "speed"),
         ("cooldowns", "cooldown")],
        [("items", "item"), ("spells", "spell"), ("enemies", "enemy"), ("levels", "level"),
         ("quests", "quest"), ("weapons", "weapon"), ("heroes", "hero"), ("guilds", "guild")],
        [("inventory", "item", "qty"), ("loot", "treasure", "gold"),
         ("bestiary", "monster", "kills"), ("skill_tree", "skill", "rank")]),
    Audience(
        "librarians learning to automate their catalogue", "tidying up a book catalogue",
        "novel atlas poem essay journal index chapter author title shelf archive volume folio "
        "almanac anthology biography catalogue comic diary edition fable glossary memoir preface "
        "sequel thesis saga manual lexicon epic",
        [("page_counts", "pages"), ("years", "year"), ("copies", "copy"), ("loans", "loan"),
         ("fines", "fine"), ("reprints", "reprint"), ("holds", "hold"), ("visits", "visit")],
        [("titles", "title"), ("authors", "author"), ("genres", "genre"), ("shelves", "shelf"),
         ("publishers", "publisher"), ("borrowers", "borrower"), ("branches", "branch"),
         ("subjects", "subject")],
        [("loans_by_title", "title", "times"), ("catalogue", "isbn", "copies"),
         ("overdue", "member", "days_late"), ("shelf_space", "section", "metres")]),
    Audience(
        "music students", "a practice log for an instrument",
        "guitar piano violin drum flute cello banjo harp tuba oboe chord scale tempo rhythm "
        "viola trumpet clarinet bassoon ukulele organ sonata etude octave melody canon aria fugue "
        "waltz minuet anthem",
        [("tempos", "bpm"), ("minutes", "minute"), ("durations", "duration"),
         ("pitches", "pitch"), ("frequencies", "hertz"), ("repeats", "repeat"),
         ("bar_counts", "bars"), ("mistakes", "mistake")],
        [("notes", "note"), ("chords", "chord"), ("pieces", "piece"), ("composers", "composer"),
         ("instruments", "instrument"), ("scales", "scale"), ("genres", "genre"),
         ("teachers", "teacher")],
        [("practice", "piece", "minutes"), ("setlist", "song", "seconds"),
         ("recital", "performer", "slots"), ("repertoire", "work", "times_played")]),
    Audience(
        "home cooks", "a recipe app",
        "flour sugar butter salt pepper garlic onion basil rice pasta cream honey yeast ginger "
        "oregano thyme lemon vinegar olive egg apple tomato potato noodle cocoa vanilla paprika "
        "almond mustard oats",
        [("grams", "gram"), ("portions", "portion"), ("oven_temps", "temp"), ("timings", "secs"),
         ("servings", "serving"), ("calories", "kcal"), ("millilitres", "ml"),
         ("prep_minutes", "prep")],
        [("ingredients", "ingredient"), ("recipes", "recipe"), ("spices", "spice"),
         ("dishes", "dish"), ("cuisines", "cuisine"), ("utensils", "utensil"),
         ("courses", "course"), ("sauces", "sauce")],
        [("pantry", "ingredient", "amount"), ("menu", "dish", "price"),
         ("cook_times", "recipe_name", "minutes"), ("shopping", "food", "grams_needed")]),
    Audience(
        "members of an astronomy club", "a catalogue of night-sky observations",
        "mercury venus earth mars jupiter saturn uranus neptune comet nebula quasar pulsar moon "
        "pluto galaxy meteor asteroid orbit eclipse aurora cluster supernova corona crater halo "
        "zenith equinox sirius vega orion",
        [("magnitudes", "mag"), ("sightings", "sighting"), ("distances", "distance"),
         ("altitudes", "alt"), ("apertures", "aperture"), ("exposures", "exposure"),
         ("azimuths", "azimuth"), ("redshifts", "redshift")],
        [("planets", "planet"), ("objects", "obj"), ("stars", "star"), ("comets", "comet"),
         ("constellations", "constellation"), ("galaxies", "galaxy"),
         ("telescopes", "telescope"), ("observers", "observer")],
        [("observations", "target", "nights"), ("catalog", "star", "brightness"),
         ("meteor_rates", "shower", "meteors"), ("eyepieces", "eyepiece", "focal_mm")]),
    Audience(
        "retired engineers picking up Python", "an inventory of a workshop",
        "hammer wrench drill saw chisel clamp pliers ruler level sander lathe vise bolt rivet "
        "anvil auger axle bearing gear pulley spring valve washer nozzle piston spanner solder "
        "mallet caliper awl",
        [("tolerances", "tol"), ("loads", "load"), ("torques", "torque"), ("voltages", "volts"),
         ("rpms", "rpm"), ("pressures", "psi"), ("diameters", "diameter"),
         ("currents", "amps")],
        [("tools", "tool"), ("parts", "part"), ("gauges", "gauge"), ("bolts", "bolt"),
         ("materials", "material"), ("machines", "machine"), ("drawers", "drawer"),
         ("projects", "project")],
        [("workshop", "tool", "stock"), ("bill_of_materials", "part", "qty"),
         ("spares", "component", "on_hand"), ("service_log", "machine_name", "hours_run")]),
    Audience(
        "gardeners", "a planting calendar",
        "tulip rose daisy lily fern ivy maple oak willow cactus orchid lotus poppy violet sage "
        "aster azalea begonia clover dahlia heather iris jasmine lavender mint peony thistle "
        "yarrow basil crocus",
        [("heights", "height"), ("days", "day"), ("yields", "crop_yield"),
         ("seed_counts", "seeds"), ("spacings", "spacing"), ("depths_cm", "depth"),
         ("waterings", "watering"), ("blooms", "bloom")],
        [("plants", "plant"), ("flowers", "flower"), ("herbs", "herb"), ("beds", "bed"),
         ("shrubs", "shrub"), ("bulbs", "bulb"), ("pots", "pot"), ("soils", "soil")],
        [("beds_by_plant", "plant", "seedlings"), ("harvest", "vegetable", "kilos"),
         ("watering_plan", "border", "litres"), ("seed_packets", "variety", "packets")]),
    Audience(
        "sports coaches", "statistics for a youth team",
        "goal pass tackle sprint relay serve dribble header corner penalty volley match coach "
        "assist offside referee whistle kickoff foul dive pitch jersey captain trophy league "
        "rally umpire halftime striker keeper",
        [("scores", "score"), ("goals", "goal"), ("sprint_times", "time_ms"),
         ("assists", "assist"), ("fouls", "foul"), ("heart_rates", "bpm"),
         ("distances_m", "metres"), ("saves", "save")],
        [("players", "player"), ("drills", "drill"), ("teams", "team"),
         ("positions", "position"), ("opponents", "opponent"), ("venues", "venue"),
         ("kits", "kit"), ("referees", "referee")],
        [("goals_by_player", "player", "goals"), ("minutes_played", "player", "minutes"),
         ("league_table", "club", "points"), ("attendance", "session", "attendees")]),
    Audience(
        "physics undergraduates", "analysing measurements from a lab bench",
        "mass force energy photon charge field wave spin torque momentum quark lepton boson "
        "electron proton neutron atom isotope gravity inertia entropy plasma laser lens prism "
        "vector joule ampere orbit friction",
        [("measurements", "m"), ("samples", "sample"), ("counts", "count"), ("energies", "e"),
         ("voltages", "voltage"), ("currents_ma", "current"), ("wavelengths", "wavelength"),
         ("frequencies", "frequency")],
        [("particles", "particle"), ("labels", "label"), ("units", "unit"), ("runs", "run_id"),
         ("detectors", "detector"), ("elements", "element"), ("materials", "material"),
         ("experiments", "experiment")],
        [("energies_by_particle", "particle", "energy"), ("detector_hits", "channel", "hits"),
         ("half_lives", "isotope", "seconds"), ("spectrum", "band", "intensity")]),
    Audience(
        "travel agents", "a booking tool for group tours",
        "ticket hotel flight train ferry visa passport luggage beach museum tour cruise hostel "
        "airport island resort safari villa harbour temple canal lagoon volcano desert glacier "
        "excursion itinerary souvenir voucher passenger",
        [("fares", "fare"), ("nights", "night"), ("delays", "delay"), ("group_sizes", "size"),
         ("deposits", "deposit"), ("commissions", "commission"), ("ratings", "rating"),
         ("layovers", "layover")],
        [("destinations", "place"), ("hotels", "hotel"), ("airports", "airport"),
         ("tours", "tour"), ("airlines", "airline"), ("travellers", "traveller"),
         ("guides", "guide"), ("resorts", "resort")],
        [("bookings", "hotel", "rooms"), ("seats", "flight", "free"),
         ("fares_by_route", "route", "euros"), ("tour_groups", "guide_name", "tourists")]),
    Audience(
        "shop owners", "a till and stock tracker for a corner shop",
        "receipt invoice discount coupon basket till shelf crate bundle refund order parcel "
        "apron barcode bargain carton counter display ledger margin offer pallet sale stock "
        "voucher wrapper biscuit candle soap cashier",
        [("takings", "amount"), ("stock_levels", "level"), ("discounts", "discount"),
         ("receipts", "receipt"), ("margins", "margin"), ("refunds", "refund"),
         ("wages", "wage"), ("footfalls", "footfall")],
        [("products", "product"), ("codes", "code"), ("suppliers", "supplier"),
         ("aisles", "aisle"), ("brands", "brand"), ("customers", "customer"),
         ("categories", "category"), ("barcodes", "barcode")],
        [("stock", "product", "units"), ("prices", "product", "pence"),
         ("orders", "wholesaler", "boxes"), ("till_float", "coin_type", "coins")]),
    Audience(
        "hospital volunteers", "a rota of ward visits",
        "ward nurse doctor bandage syringe clinic patient rota shift visitor stretcher remedy "
        "ambulance blanket chaplain corridor canteen kiosk lobby porter trolley wheelchair "
        "flower magazine pillow radio tea oxygen orderly infirmary",
        [("visits", "visit"), ("hours", "hour"), ("beds_free", "beds"), ("waits", "wait"),
         ("miles_driven", "miles"), ("donations", "donation"), ("cups_served", "cups"),
         ("phone_calls", "call")],
        [("wards", "ward"), ("volunteers", "volunteer"), ("shifts", "shift"), ("rooms", "room"),
         ("departments", "department"), ("tasks", "task"), ("badges", "badge"),
         ("trolleys", "trolley")],
        [("rota", "volunteer", "shifts"), ("occupancy", "ward", "patients"),
         ("cafe_sales", "drink", "cups_sold"), ("training", "module", "sessions")]),
    Audience(
        "children at a coding club", "a game about pets",
        "puppy kitten bunny hamster parrot goldfish pony turtle ferret gecko duckling lamb "
        "ball bone carrot cookie collar leash kennel whisker paw tail bubble rainbow unicorn "
        "apple owl acorn piglet robot",
        [("points", "point"), ("treats", "treat"), ("stickers", "sticker"), ("jumps", "jump"),
         ("stars", "star"), ("lives", "life"), ("coins", "coin"), ("hugs", "hug")],
        [("pets", "pet"), ("names", "name"), ("colours", "colour"), ("toys", "toy"),
         ("games", "game"), ("tricks", "trick"), ("snacks", "snack"), ("costumes", "costume")],
        [("pet_ages", "pet", "age"), ("sticker_book", "friend", "stickers"),
         ("feeding", "animal", "bowls"), ("high_scores", "gamer", "top_score")]),
    Audience(
        "linguistics students", "counting features of a language corpus",
        "noun verb adjective adverb syllable vowel phoneme morpheme clause idiom accent dialect "
        "article pronoun prefix suffix stem lexeme grammar syntax tense plural umlaut diphthong "
        "consonant affix rhyme stress idiolect onset",
        [("frequencies", "freq"), ("lengths", "length"), ("syllable_counts", "syllables"),
         ("ranks", "rank"), ("durations_ms", "duration"), ("pitches_hz", "pitch"),
         ("speaker_ages", "speaker_age"), ("corpus_sizes", "corpus_size")],
        [("tokens", "token"), ("words", "word"), ("lemmas", "lemma"), ("morphemes", "morpheme"),
         ("languages", "language"), ("dialects", "dialect"), ("affixes", "affix"),
         ("glosses", "gloss")],
        [("lexicon", "word", "freq"), ("corpus_counts", "token", "hits"),
         ("speakers", "language_name", "millions"),
         ("tag_counts", "part_of_speech", "occurrences")]),
    Audience(
        "farmers", "a harvest log",
        "wheat barley maize oats tractor plough barn silo cattle sheep orchard meadow hay "
        "acre apple alfalfa bale combine dairy fence goat hedge lamb manure pasture pig rye seed "
        "trough turnip",
        [("yields", "yield_"), ("weights", "weight"), ("litres", "litre"),
         ("head_counts", "head"), ("acreages", "acreage"), ("egg_counts", "eggs"),
         ("bale_counts", "bales"), ("rainfalls", "rain_mm")],
        [("crops", "crop"), ("fields", "field"), ("breeds", "breed"), ("machines", "machine"),
         ("paddocks", "paddock"), ("flocks", "flock"), ("buyers", "buyer"),
         ("seasons", "season")],
        [("harvest", "crop", "tonnes"), ("herd", "breed", "animals"),
         ("milk_log", "cow", "litres_today"), ("feed_store", "feed", "sacks")]),
    Audience(
        "weather enthusiasts", "a log of daily weather readings",
        "rain snow hail fog frost breeze storm cloud drizzle sleet thunder humidity monsoon "
        "gale gust mist haze dew sunshine rainbow cyclone tornado blizzard lightning drought "
        "heatwave ozone overcast updraft front",
        [("temperatures", "temp"), ("rainfall", "mm"), ("wind_speeds", "wind"),
         ("pressures", "hpa"), ("gusts_kmh", "gust"), ("humidities", "humidity"),
         ("uv_indexes", "uv"), ("visibilities", "visibility")],
        [("stations", "station"), ("conditions", "condition"), ("months", "month"),
         ("clouds", "cloud"), ("forecasts", "forecast"), ("towns", "town"),
         ("seasons", "season"), ("warnings", "warning")],
        [("readings", "station", "temp"), ("rain_days", "month", "days"),
         ("storm_log", "storm", "hours_lasted"), ("snow_depths", "valley", "cm")]),

    # ---- 40 more, from other fields
    Audience(
        "nurses planning ward rounds", "a checklist for ward rounds",
        "bandage gauze saline insulin splint catheter dressing ointment plaster tablet capsule "
        "drip pulse fever allergy asthma infusion inhaler iodine antiseptic ulcer oxygen "
        "thermometer stethoscope pillow gown mask glove vaccine sling",
        [("dosages", "dose"), ("heart_rates", "bpm"), ("temperatures", "temp_c"),
         ("pain_scores", "pain"), ("fluid_intakes", "intake_ml"), ("systolics", "systolic"),
         ("oxygen_sats", "spo2"), ("bed_numbers", "bed_no")],
        [("wards", "ward"), ("patients", "patient"), ("medications", "medication"),
         ("allergies", "allergy"), ("nurses", "nurse"), ("doctors", "doctor"),
         ("procedures", "procedure"), ("bays", "bay")],
        [("meds_due", "drug", "doses_left"), ("bed_board", "bay_name", "occupied"),
         ("fluid_chart", "hour_slot", "ml_given"), ("obs_scores", "resident", "news_score")]),
    Audience(
        "bakers running a small bakery", "an order book for a bakery",
        "loaf bagel croissant baguette muffin scone brioche crumpet pretzel eclair tart pie "
        "sourdough rye dough crust oven icing almond raisin cinnamon apricot oat yeast flour "
        "sugar butter cookie waffle biscotti",
        [("loaf_counts", "loaves"), ("proof_minutes", "proof_min"), ("oven_temps", "oven_temp"),
         ("dough_weights", "dough_g"), ("batch_sizes", "batch"), ("hydrations", "hydration"),
         ("dozens", "dozen"), ("bake_times", "bake_time")],
        [("breads", "bread"), ("pastries", "pastry"), ("fillings", "filling"),
         ("customers", "customer"), ("flours", "flour_type"), ("cakes", "cake"),
         ("toppings", "topping"), ("ovens", "oven")],
        [("daily_orders", "product", "trays"), ("starter_feeds", "starter", "grams_fed"),
         ("recipe_book", "bake", "minutes"), ("shelf_life", "pastry_name", "days_fresh")]),
    Audience(
        "club cyclists", "a training log for bike rides",
        "saddle pedal chain gear brake spoke rim tyre helmet sprocket derailleur crank "
        "handlebar bell pump valve cadence peloton climb descent sprint breakaway echelon ascent "
        "audax velodrome domestique jersey gravel hub",
        [("distances_km", "km"), ("cadences", "rpm"), ("elevations", "elevation"),
         ("ride_minutes", "ride_min"), ("power_outputs", "watts"), ("speeds_kmh", "kmh"),
         ("heart_rates", "bpm"), ("tyre_pressures", "tyre_psi")],
        [("routes", "route"), ("bikes", "bike"), ("climbs", "climb_name"), ("riders", "rider"),
         ("segments", "segment"), ("towns", "town"), ("clubs", "club"),
         ("components", "component")],
        [("weekly_km", "rider_name", "kilometres"), ("segment_times", "segment_name", "seconds"),
         ("bike_fleet", "model", "in_garage"), ("climb_log", "col", "metres_up")]),
    Audience(
        "beekeepers", "a log of hive inspections",
        "hive queen drone worker comb honey wax pollen nectar brood larva swarm apiary smoker "
        "frame propolis jelly clover heather lavender acacia orchard meadow veil feeder colony "
        "mite egg mead forage",
        [("frame_counts", "frames"), ("honey_yields", "honey_kg"), ("mite_counts", "mites"),
         ("hive_weights", "hive_kg"), ("brood_frames", "brood_frame"),
         ("inspections", "inspection"), ("colony_sizes", "colony_size"), ("jar_counts", "jars")],
        [("hives", "hive"), ("apiaries", "apiary"), ("queens", "queen"), ("flowers", "bloom"),
         ("colonies", "colony"), ("supers", "honey_super"), ("diseases", "disease"),
         ("treatments", "treatment")],
        [("harvest_log", "hive_name", "jars_filled"), ("mite_checks", "yard", "mites_seen"),
         ("queen_ages", "queen_line", "months"), ("forage_map", "plant", "visits")]),
    Audience(
        "railway planners", "a timetable for a branch line",
        "station platform signal carriage locomotive junction siding tunnel viaduct bridge "
        "depot ticket timetable express sleeper freight diesel engine buffer whistle guard "
        "coupling gauge terminus halt crossing electric overhead railcar shunter",
        [("delays_min", "delay_min"), ("departures", "departure"), ("train_lengths", "cars"),
         ("passenger_loads", "load_pct"), ("dwell_times", "dwell"),
         ("speed_limits", "speed_limit"), ("track_lengths", "track_km"),
         ("platform_nos", "platform_no")],
        [("stations", "station"), ("routes", "route"), ("trains", "train"),
         ("signals", "signal"), ("depots", "depot"), ("drivers", "driver"),
         ("junctions", "junction"), ("services", "service")],
        [("ridership", "station_name", "passengers"), ("fleet", "unit_class", "units"),
         ("late_trains", "service_code", "minutes_late"), ("platform_use", "stop_name", "calls")]),
    Audience(
        "hotel receptionists", "a booking system for a small hotel",
        "suite lobby balcony minibar pillow towel linen robe slipper breakfast buffet concierge "
        "bellboy porter keycard luggage lounge spa sauna terrace laundry elevator atrium alcove "
        "ensuite veranda shampoo kettle espresso duvet",
        [("room_rates", "rate"), ("occupancies", "occupancy"), ("stay_lengths", "nights_stayed"),
         ("guest_counts", "guests"), ("floor_numbers", "floor"),
         ("checkin_hours", "checkin_hour"), ("tips", "tip"), ("review_scores", "stars_given")],
        [("rooms", "room"), ("bookings", "booking"), ("suites", "suite"),
         ("amenities", "amenity"), ("housekeepers", "housekeeper"), ("complaints", "complaint"),
         ("wings", "wing"), ("requests", "request")],
        [("room_nights", "room_type", "nights"), ("minibar_stock", "snack", "bottles"),
         ("laundry_bags", "floor_label", "bags"), ("late_checkouts", "suite_name", "extra_hours")]),
    Audience(
        "pharmacists", "a dispensing record for a pharmacy",
        "tablet capsule syrup cream ointment inhaler aspirin ibuprofen insulin antibiotic "
        "vitamin lozenge eyedrop plaster bandage vaccine dosage refill blister pestle mortar "
        "tincture elixir antacid iron zinc probiotic placebo gel spray",
        [("doses_mg", "dose_mg"), ("pill_counts", "pills"), ("refills_left", "refills"),
         ("shelf_days", "days_left"), ("stock_units", "units"), ("strengths", "strength"),
         ("script_numbers", "script_no"), ("ages_years", "patient_age")],
        [("drugs", "drug"), ("prescribers", "prescriber"), ("generics", "generic"),
         ("brands", "brand"), ("patients", "patient"), ("forms", "form"),
         ("interactions", "interaction"), ("suppliers", "supplier")],
        [("dispensed", "medicine", "packs"), ("controlled", "substance", "tablets"),
         ("expiry", "batch_code", "days_to_expiry"), ("fridge_log", "vaccine", "vials")]),
    Audience(
        "geology students on field trips", "a field notebook of rock samples",
        "granite basalt quartz feldspar mica shale slate marble limestone sandstone obsidian "
        "pumice gneiss schist fossil magma lava crystal mineral fault strata sediment erosion "
        "glacier canyon volcano igneous ore agate opal",
        [("depths_m", "depth_m"), ("dips", "dip"), ("strikes", "strike"),
         ("hardnesses", "mohs"), ("sample_masses", "mass_g"), ("grain_sizes", "grain_um"),
         ("ages_ma", "age_ma"), ("porosities", "porosity")],
        [("rocks", "rock"), ("minerals", "mineral"), ("outcrops", "outcrop"),
         ("formations", "formation"), ("fossils", "fossil"), ("faults", "fault"),
         ("basins", "basin"), ("cores", "core")],
        [("core_logs", "borehole", "metres"), ("fossil_finds", "site", "specimens"),
         ("mineral_counts", "thin_section", "grains"), ("quake_log", "region", "tremors")]),
    Audience(
        "weekend sailors", "a logbook for a sailing trip",
        "mast sail keel rudder anchor hull deck bow stern tiller jib boom harbour buoy compass "
        "knot tide mooring galley cabin bilge halyard rigging spinnaker ensign oar dinghy ketch "
        "yacht estuary",
        [("boat_speeds", "knots"), ("headings", "heading"), ("depth_soundings", "sounding"),
         ("wind_angles", "wind_angle"), ("legs_nm", "leg_nm"), ("tide_heights", "tide_cm"),
         ("crew_counts", "crew_size"), ("watch_hours", "watch_hour")],
        [("ports", "port"), ("boats", "boat"), ("sails", "sail"), ("crew_members", "sailor"),
         ("marinas", "marina"), ("lighthouses", "lighthouse"), ("islands", "isle"),
         ("waypoints", "waypoint")],
        [("moorings", "harbour_name", "berths"), ("passage_log", "leg", "hours_sailed"),
         ("sail_wardrobe", "sail_type", "square_m"), ("fuel_log", "engine_day", "litres_used")]),
    Audience(
        "electricians", "a wiring plan for a house",
        "wire cable socket switch fuse breaker circuit relay conduit outlet plug bulb lamp "
        "dimmer earth neutral volt ohm resistor transformer junction solder terminal insulator "
        "meter panel spur battery inverter antenna",
        [("voltages", "voltage"), ("currents_a", "amps"), ("wattages", "wattage"),
         ("cable_lengths", "cable_m"), ("resistances", "ohms"), ("socket_counts", "sockets"),
         ("fuse_ratings", "fuse_amps"), ("circuit_loads", "circuit_load")],
        [("circuits", "circuit"), ("rooms", "room"), ("appliances", "appliance"),
         ("fixtures", "fixture"), ("cables", "cable"), ("breakers", "breaker"),
         ("panels", "panel"), ("jobs", "job")],
        [("room_sockets", "room_name", "outlets"), ("board", "way", "rating"),
         ("appliance_watts", "device", "watts"), ("cable_stock", "gauge_mm", "metres")]),
    Audience(
        "florists", "an order sheet for a flower shop",
        "rose tulip lily orchid peony carnation daisy iris freesia gerbera lisianthus sunflower "
        "dahlia hydrangea ranunculus anemone aster eucalyptus fern ribbon vase bouquet posy "
        "wreath corsage garland stem petal bud foliage",
        [("stem_counts", "stems"), ("vase_lives", "vase_days"), ("prices_p", "price_p"),
         ("stem_lengths", "stem_cm"), ("bunch_sizes", "bunch"), ("order_totals", "order_total"),
         ("delivery_slots", "slot"), ("wastages", "wastage")],
        [("flowers", "flower"), ("bouquets", "bouquet"), ("colours", "colour"),
         ("occasions", "occasion"), ("wreaths", "wreath"), ("growers", "grower"),
         ("vases", "vase"), ("ribbons", "ribbon")],
        [("cold_room", "variety", "buckets"), ("wedding_order", "arrangement", "pieces_needed"),
         ("deliveries", "postcode", "drops"), ("price_book", "bloom", "pence")]),
    Audience(
        "members of a chess club", "a tournament tracker for a chess club",
        "pawn knight bishop rook queen king castle checkmate gambit opening endgame fork pin "
        "skewer tempo zugzwang stalemate rating blitz rapid clock board square draw resign "
        "sacrifice fianchetto promotion arbiter elo",
        [("ratings", "rating"), ("move_counts", "moves"), ("clock_seconds", "clock_secs"),
         ("rounds", "round_no"), ("board_numbers", "board_no"), ("elo_changes", "elo_delta"),
         ("game_lengths", "plies"), ("tiebreaks", "tiebreak")],
        [("players", "player"), ("openings", "opening"), ("gambits", "gambit"),
         ("sections", "section"), ("clubs", "club"), ("arbiters", "arbiter"),
         ("variations", "variation"), ("venues", "venue")],
        [("standings", "member", "points"), ("opening_stats", "eco", "wins"),
         ("board_order", "team", "board"), ("blitz_scores", "entrant", "half_points")]),
    Audience(
        "marathon runners", "a training plan for a marathon",
        "pace tempo interval hill track trail shoe gel bib medal finish stride cadence taper "
        "carb blister stretch warmup cooldown recovery split fartlek parkrun relay sponge course "
        "mile kilometre ultra insole",
        [("distances_km", "km_run"), ("paces_sec", "pace_sec"), ("heart_rates", "bpm"),
         ("finish_times", "finish_secs"), ("weekly_miles", "weekly_mi"),
         ("step_counts", "strides"), ("long_runs", "long_run"), ("elevation_gains", "climb_m")],
        [("races", "race"), ("runners", "runner"), ("shoes", "shoe"), ("workouts", "workout"),
         ("routes", "route"), ("clubs", "club"), ("coaches", "coach"), ("sponsors", "sponsor")],
        [("split_times", "mile_marker", "seconds"), ("shoe_mileage", "pair", "miles"),
         ("race_results", "athlete", "position"), ("gel_plan", "flavour", "gels")]),
    Audience(
        "museum curators", "a catalogue of museum exhibits",
        "artefact relic vase mosaic statue fresco tapestry amphora coin medal sword helmet "
        "scroll manuscript portrait sculpture pottery mummy sarcophagus urn altar idol icon "
        "ornament bust gallery plinth vitrine archive exhibit",
        [("accession_nos", "accession"), ("visitor_counts", "visitors"),
         ("ages_years", "age_years"), ("valuations", "valuation"), ("loan_days", "loan_day"),
         ("humidities", "rh"), ("lux_levels", "lux"), ("case_numbers", "case_no")],
        [("exhibits", "exhibit"), ("galleries", "gallery"), ("artists", "artist"),
         ("periods", "period"), ("collections", "collection"), ("donors", "donor"),
         ("materials", "material"), ("cultures", "culture")],
        [("gallery_footfall", "room_name", "visits"), ("loans_out", "museum", "objects"),
         ("condition_log", "artefact", "grade"), ("insurance", "object_id", "pounds")]),
    Audience(
        "bird watchers", "a checklist of bird sightings",
        "robin sparrow wren finch thrush blackbird starling swallow swift heron egret ibis owl "
        "hawk falcon kestrel eagle osprey puffin gannet gull tern plover curlew lapwing warbler "
        "magpie jay crow dove",
        [("flock_sizes", "flock_size"), ("wingspans", "wingspan"), ("nest_counts", "nests"),
         ("egg_clutches", "clutch"), ("sighting_hours", "hour_seen"),
         ("altitudes_m", "altitude"), ("ring_numbers", "ring_no"), ("bird_tallies", "tally")],
        [("birds", "bird"), ("habitats", "habitat"), ("reserves", "reserve"), ("hides", "hide"),
         ("calls", "call"), ("families", "family"), ("migrants", "migrant"),
         ("observers", "observer")],
        [("day_list", "bird_name", "seen_today"), ("nest_boxes", "box", "chicks"),
         ("reserve_counts", "site", "individuals"), ("feeder_visits", "feeder_bird", "visits")]),
    Audience(
        "tailors", "an order book for a tailoring shop",
        "jacket trousers waistcoat collar cuff lapel hem seam button zip pocket lining tweed "
        "linen wool silk cotton velvet denim thread needle thimble pattern bobbin chalk shears "
        "alteration overcoat apron embroidery",
        [("chest_sizes", "chest_cm"), ("inseams", "inseam"), ("sleeve_lengths", "sleeve_cm"),
         ("waist_sizes", "waist_cm"), ("fitting_days", "fitting_day"),
         ("button_counts", "buttons"), ("fabric_metres", "fabric_m"), ("quotes", "quote")],
        [("garments", "garment"), ("fabrics", "fabric"), ("clients", "client"),
         ("suits", "suit"), ("colours", "colour"), ("patterns", "pattern_name"),
         ("linings", "lining"), ("tailors", "tailor")],
        [("fabric_stock", "cloth", "metres"), ("alterations", "customer", "jobs"),
         ("button_box", "style", "dozens"), ("fittings", "order_ref", "visits")]),
    Audience(
        "journalists", "a newsroom tool for tracking stories",
        "headline byline deadline editor scoop column feature interview source quote leak "
        "press rumour verdict election budget strike protest weather sport obituary editorial "
        "exclusive embargo photo caption draft wire podcast opinion",
        [("word_counts", "word_count"), ("page_views", "views"), ("deadlines_h", "deadline_h"),
         ("shares", "share"), ("column_inches", "inches"), ("page_numbers", "page_no"),
         ("corrections", "correction"), ("reading_times", "read_secs")],
        [("stories", "story"), ("headlines", "headline"), ("reporters", "reporter"),
         ("sections", "section"), ("sources", "source"), ("beats", "beat"),
         ("editors", "editor"), ("outlets", "outlet")],
        [("desk_load", "desk", "stories_filed"), ("byline_counts", "writer", "bylines"),
         ("traffic", "article", "clicks"), ("front_pages", "edition", "splashes")]),
    Audience(
        "accountants at a small firm", "a bookkeeping script for client accounts",
        "ledger invoice receipt payroll audit asset liability equity revenue expense accrual "
        "dividend depreciation balance credit debit journal budget tax pension bonus overhead "
        "margin cashflow loan interest quarter annuity subsidy rebate",
        [("balances", "balance"), ("debits", "debit"), ("deposits", "deposit"),
         ("invoice_totals", "invoice_total"), ("tax_bills", "tax_bill"),
         ("salaries", "salary"), ("fees", "fee"), ("overdue_days", "days_overdue")],
        [("accounts", "account"), ("clients", "client"), ("ledgers", "ledger"),
         ("vendors", "vendor"), ("quarters", "quarter"), ("currencies", "currency"),
         ("departments", "department"), ("auditors", "auditor")],
        [("trial_balance", "account_code", "pence"), ("expenses_by_dept", "cost_centre", "spend"),
         ("aged_debts", "debtor", "days_owed"), ("payroll", "employee", "gross_pay")]),
    Audience(
        "warehouse pickers", "a pick list for a warehouse shift",
        "pallet crate carton forklift aisle bay rack shelf bin tote scanner barcode dock "
        "trolley conveyor shrinkwrap parcel envelope order manifest courier van lorry ramp zone "
        "mezzanine inventory ladder invoice upright",
        [("pick_counts", "picks"), ("bin_numbers", "bin_no"), ("pallet_weights", "pallet_kg"),
         ("pick_rates", "per_hour"), ("shelf_heights", "shelf_cm"),
         ("order_lines", "order_line"), ("dock_slots", "dock_slot"),
         ("stock_counts", "on_shelf")],
        [("orders", "order"), ("locations", "location"), ("skus", "sku"),
         ("couriers", "courier"), ("zones", "zone"), ("pickers", "picker"), ("docks", "dock"),
         ("carriers", "carrier")],
        [("bin_stock", "bin_code", "units"), ("picker_rates", "operative", "lines_picked"),
         ("dock_schedule", "lorry", "pallets"), ("zone_load", "area", "totes")]),
    Audience(
        "wine makers", "a cellar book for a small winery",
        "grape vine cask barrel cork bottle cellar vintage merlot riesling chardonnay syrah "
        "malbec tannin acidity aroma yeast must press harvest oak vineyard terroir decanter "
        "sediment carafe estate amphora crush ullage",
        [("brix_readings", "brix"), ("ph_values", "ph"), ("barrel_ages", "months_aged"),
         ("bottle_counts", "bottles"), ("yields_tonnes", "yield_t"),
         ("alcohol_levels", "abv"), ("cellar_temps", "cellar_c"), ("case_counts", "cases")],
        [("grapes", "grape"), ("vineyards", "vineyard"), ("wines", "wine"),
         ("barrels", "barrel"), ("vintages", "vintage"), ("estates", "estate"),
         ("blends", "blend"), ("tasters", "taster")],
        [("tank_volumes", "tank", "litres"), ("harvest_log", "plot", "kilos"),
         ("tasting_scores", "cuvee", "points"), ("cellar_stock", "label_name", "bottles_left")]),
    Audience(
        "freelance translators", "a glossary tool for translation jobs",
        "glossary idiom nuance register locale subtitle caption draft proof revision contract "
        "manual brochure menu letter passport certificate diploma poem novel interpreter "
        "dictionary thesaurus accent tone formal casual legal medical literal",
        [("rates_per_word", "cents_per_word"), ("page_counts", "page_count"),
         ("turnarounds", "turnaround_days"), ("match_rates", "fuzzy_match"),
         ("revisions", "revision_no"), ("invoice_sums", "invoice_sum"),
         ("char_counts", "characters"), ("deadlines_days", "days_to_go")],
        [("languages", "language"), ("clients", "client"), ("documents", "document"),
         ("glossaries", "glossary"), ("locales", "locale"), ("translators", "translator"),
         ("domains", "domain"), ("formats", "file_format")],
        [("termbase", "source_term", "uses"), ("job_queue", "project", "pages"),
         ("language_pairs", "pair", "jobs"), ("reviewer_load", "reviewer", "files")]),
    Audience(
        "radio amateurs", "a contact log for a radio station",
        "antenna dipole yagi coax tuner amplifier transceiver morse callsign band frequency "
        "static squelch repeater beacon signal contest satellite ionosphere ground mast rotator "
        "microphone headset battery dial crystal oscillator echo audio",
        [("frequencies_khz", "freq_khz"), ("signal_reports", "rst"),
         ("power_watts", "watts_out"), ("contact_counts", "contacts"),
         ("swr_readings", "swr"), ("distances_km", "km_away"), ("gains_db", "gain_db"),
         ("utc_hours", "utc_hour")],
        [("callsigns", "callsign"), ("bands", "band"), ("modes", "mode"),
         ("antennas", "antenna"), ("operators", "operator"), ("repeaters", "repeater"),
         ("grid_squares", "locator"), ("countries", "country")],
        [("band_contacts", "band_name", "qsos"), ("dx_log", "prefix", "spots"),
         ("rig_power", "rig", "max_watts"), ("net_roll", "station_call", "checkins")]),
    Audience(
        "land surveyors", "processing measurements from a site survey",
        "theodolite tripod prism benchmark boundary parcel plot contour elevation bearing chain "
        "traverse datum baseline ridge valley slope hedge fence gate stake peg transit azimuth "
        "easting northing grid beacon cairn acre",
        [("elevations", "elevation_m"), ("bearings", "bearing_deg"), ("eastings", "easting_m"),
         ("northings", "northing_m"), ("chainages", "chainage"), ("areas_sqm", "area_sqm"),
         ("offsets_cm", "offset_cm"), ("heights_mm", "height_mm")],
        [("stations", "station"), ("plots", "plot"), ("boundaries", "boundary"),
         ("markers", "marker"), ("landmarks", "landmark"), ("sites", "site"),
         ("parcels", "parcel"), ("crews", "crew")],
        [("plot_areas", "plot_id", "square_m"), ("spot_heights", "point_id", "millimetres"),
         ("crew_days", "surveyor", "days_worked"), ("pegs_set", "line_id", "pegs")]),
    Audience(
        "rock climbers", "a logbook of climbing routes",
        "crag boulder rope harness carabiner belay chalk crimp jug sloper pinch overhang arete "
        "slab crack chimney anchor quickdraw helmet summit ledge abseil onsight redpoint flash "
        "traverse ascent grade piton gully",
        [("route_lengths", "route_m"), ("v_grades", "v_grade"), ("attempts", "attempt"),
         ("pitch_counts", "pitches"), ("heights_climbed", "height_m"),
         ("rest_minutes", "rest_min"), ("hold_counts", "holds"), ("falls_taken", "falls")],
        [("routes", "route"), ("crags", "crag"), ("partners", "partner"),
         ("problems", "problem"), ("gyms", "gym"), ("ropes", "rope"), ("styles", "style"),
         ("areas", "area")],
        [("tick_list", "climb", "sends"), ("crag_visits", "venue", "trips"),
         ("gear_rack", "cam_size", "pieces_owned"), ("project_log", "boulder", "sessions")]),
    Audience(
        "vets at a country practice", "a clinic record for a veterinary practice",
        "collar leash muzzle vaccine booster microchip flea tick worming neuter spay stethoscope "
        "syringe bandage cone scales kibble litter catnip hoof udder foal calf piglet kitten "
        "puppy parrot tortoise iguana ointment",
        [("body_weights", "weight_kg"), ("temperatures", "temp_c"), ("heart_rates", "bpm"),
         ("ages_months", "age_months"), ("dose_mls", "dose_ml"),
         ("appointment_mins", "appt_min"), ("teeth_counts", "teeth"),
         ("chip_numbers", "chip_no")],
        [("animals", "animal"), ("owners", "owner"), ("breeds", "breed"),
         ("vaccines", "vaccine"), ("symptoms", "symptom"), ("treatments", "treatment"),
         ("species", "kind"), ("surgeries", "surgery")],
        [("kennel_board", "patient", "nights"), ("vaccine_due", "pet_name", "weeks"),
         ("weight_chart", "dog", "grams"), ("drug_stock", "medicine", "doses")]),
    Audience(
        "film editors", "an edit decision list for a short film",
        "clip scene shot take reel frame cut fade dissolve montage timeline render codec audio "
        "voiceover caption subtitle trailer teaser credits storyboard closeup wide pan zoom "
        "flashback overlay lens tripod epilogue",
        [("frame_counts", "frames_long"), ("durations_s", "clip_secs"),
         ("timecodes", "timecode"), ("frame_rates", "fps"), ("track_numbers", "track_no"),
         ("take_numbers", "take_no"), ("bitrates", "bitrate"), ("render_minutes", "render_min")],
        [("clips", "clip"), ("scenes", "scene"), ("shots", "shot"), ("reels", "reel"),
         ("transitions", "transition"), ("cameras", "camera"), ("actors", "actor"),
         ("effects", "effect")],
        [("scene_lengths", "scene_id", "seconds"), ("take_log", "setup", "takes"),
         ("bin_sizes", "folder", "gigabytes"), ("music_cues", "cue", "bars")]),
    Audience(
        "architecture students", "a room schedule for a building design",
        "facade atrium beam truss arch dome gable lintel cornice plinth balcony stair ramp "
        "corridor mezzanine courtyard skylight cladding glazing concrete timber brick steel "
        "elevation section model louvre eave parapet annex",
        [("floor_areas", "floor_area"), ("ceiling_heights", "ceiling_mm"),
         ("room_widths", "width_mm"), ("spans", "span_m"), ("storeys", "storey"),
         ("window_counts", "windows"), ("occupants", "occupant"),
         ("costs_per_sqm", "cost_sqm")],
        [("rooms", "room"), ("buildings", "building"), ("materials", "material"),
         ("drawings", "drawing"), ("clients", "client"), ("consultants", "consultant"),
         ("finishes", "finish"), ("zones", "zone")],
        [("room_areas", "space", "square_m"), ("door_schedule", "door", "leaves"),
         ("drawing_register", "sheet", "revision"),
         ("material_takeoff", "element", "tonnes")]),
    Audience(
        "anglers", "a catch diary for a fishing club",
        "trout salmon carp pike perch bream tench umbrella chub eel bass cod mackerel rod reel "
        "lure fly bait hook float weir river lake estuary jetty tackle maggot worm spinner "
        "keepnet",
        [("catch_weights", "catch_g"), ("fish_lengths", "length_cm"),
         ("line_strengths", "line_lb"), ("hook_sizes", "hook_size"), ("water_temps", "water_c"),
         ("bites", "bite"), ("peg_numbers", "peg_no"), ("casts", "cast")],
        [("species", "fish_kind"), ("lakes", "lake"), ("rivers", "river"), ("lures", "lure"),
         ("baits", "bait"), ("swims", "swim"), ("anglers", "angler"), ("clubs", "club")],
        [("match_weights", "peg", "ounces"), ("lure_success", "pattern", "fish_caught"),
         ("permit_days", "water", "visits"), ("biggest_fish", "member", "pounds")]),
    Audience(
        "dentists", "an appointment book for a dental practice",
        "molar incisor canine premolar enamel dentine gum crown bridge filling implant brace "
        "floss plaque tartar cavity veneer denture retainer root nerve mouthwash toothpaste "
        "mirror probe drill xray abscess amalgam hygiene",
        [("pocket_depths", "pocket_mm"), ("tooth_numbers", "tooth_no"),
         ("plaque_scores", "plaque_pct"), ("fees_pence", "fee_pence"),
         ("chair_minutes", "chair_min"), ("xray_doses", "xray_dose"),
         ("recall_months", "recall"), ("fillings_done", "fills")],
        [("patients", "patient"), ("treatments", "treatment"), ("teeth", "tooth"),
         ("hygienists", "hygienist"), ("surgeries", "surgery"), ("materials", "material"),
         ("procedures", "procedure"), ("dentists", "dentist")],
        [("chart", "tooth_code", "surfaces"), ("day_list", "chair", "slots"),
         ("lab_orders", "lab", "crowns"), ("recalls", "household", "members_due")]),
    Audience(
        "firefighters", "an incident log for a fire station",
        "hose hydrant ladder engine siren helmet axe extinguisher smoke ember blaze flame alarm "
        "rescue hazard nozzle pump tanker turntable foam uniform boot sprinkler blanket oxygen "
        "stretcher incident callout arson evacuation",
        [("response_times", "response_s"), ("crew_sizes", "crew"),
         ("water_litres", "litres_used"), ("hose_lengths", "hose_m"),
         ("callout_counts", "callouts"), ("ladder_heights", "ladder_m"),
         ("air_pressures", "air_bar"), ("casualties", "casualty")],
        [("stations", "station"), ("appliances", "appliance"), ("incidents", "incident"),
         ("watches", "watch"), ("hazards", "hazard"), ("streets", "street"),
         ("crews", "crew_name"), ("districts", "district")],
        [("turnouts", "address", "engines"), ("hydrant_flow", "hydrant", "litres_min"),
         ("watch_hours", "firefighter", "hours"), ("kit_check", "locker", "items_missing")]),
    Audience(
        "carpenters", "a cutting list for a joinery workshop",
        "plank beam joist rafter dowel tenon mortise dovetail chisel plane mallet clamp sawdust "
        "veneer oak pine ash birch walnut maple cedar lacquer varnish hinge screw nail glue "
        "bench elm architrave",
        [("board_lengths", "length_mm"), ("thicknesses", "thickness"), ("widths_mm", "width_mm"),
         ("screw_counts", "screws"), ("cut_angles", "angle"), ("moisture_pcts", "moisture"),
         ("board_feet", "board_ft"), ("hours_billed", "hours_job")],
        [("timbers", "timber"), ("joints", "joint"), ("tools", "tool"), ("jobs", "job"),
         ("finishes", "finish"), ("species", "wood_kind"), ("fittings", "fitting"),
         ("clients", "client")],
        [("offcuts", "wood", "pieces_left"), ("cut_list", "component", "quantity"),
         ("timber_rack", "board", "metres"), ("job_hours", "commission", "hours")]),
    Audience(
        "potters", "a firing log for a pottery studio",
        "clay kiln glaze wheel slip bisque porcelain stoneware earthenware terracotta vase bowl "
        "mug jug teapot plate urn coil slab oxide ash celadon raku glost cone pinch handle lid "
        "saucer enamel",
        [("kiln_temps", "kiln_c"), ("firing_hours", "firing_h"), ("clay_weights", "clay_g"),
         ("shrinkages", "shrink_pct"), ("cone_numbers", "cone_no"), ("pot_heights", "height_cm"),
         ("glaze_coats", "coats"), ("wheel_speeds", "wheel_rpm")],
        [("glazes", "glaze"), ("clays", "clay_body"), ("pots", "pot_name"), ("kilns", "kiln"),
         ("firings", "firing"), ("forms", "form"), ("students", "student"),
         ("oxides", "oxide")],
        [("kiln_load", "shelf_no", "pieces_fired"), ("glaze_stock", "bucket", "litres"),
         ("class_work", "potter", "pots_thrown"), ("breakages", "ware", "cracked")]),
    Audience(
        "photographers", "a catalogue of photo shoots",
        "lens tripod shutter aperture flash filter portrait landscape macro zoom prime bokeh "
        "exposure negative print darkroom studio backdrop reflector sensor pixel histogram sepia "
        "monochrome panorama silhouette vignette album easel iris",
        [("iso_values", "iso"), ("focal_lengths", "focal_mm"), ("shutter_speeds", "shutter_ms"),
         ("apertures", "f_stop"), ("megapixels", "megapixel"), ("frame_numbers", "frame_no"),
         ("print_widths", "print_cm"), ("star_ratings", "rating")],
        [("photos", "photo"), ("lenses", "lens"), ("albums", "album"), ("clients", "client"),
         ("locations", "location"), ("cameras", "camera"), ("presets", "preset"),
         ("subjects", "subject")],
        [("shoot_counts", "shoot", "exposures"), ("lens_use", "lens_name", "frames"),
         ("print_orders", "customer", "prints"), ("memory_cards", "card", "gigabytes")]),
    Audience(
        "primary school teachers", "a class register and marks book",
        "pencil crayon ruler eraser chalk desk satchel lunchbox playground spelling phonics "
        "story rhyme sticker register assembly painting glue scissors easel abacus globe "
        "homework certificate poem puzzle alphabet origami apple timetable",
        [("spelling_scores", "spelling_mark"), ("attendances", "attendance"),
         ("reading_ages", "reading_age"), ("house_points", "house_pts"),
         ("pupil_ages", "pupil_age"), ("test_marks", "test_mark"), ("absences", "absence"),
         ("merits", "merit")],
        [("pupils", "pupil"), ("classes", "class_name"), ("subjects", "subject"),
         ("books", "book"), ("houses", "house"), ("topics", "topic"), ("parents", "parent"),
         ("clubs", "club")],
        [("register", "child", "days_present"), ("star_chart", "learner", "stars"),
         ("library_loans", "reader", "books_out"), ("trip_money", "form", "pounds_paid")]),
    Audience(
        "zookeepers", "a feeding schedule for a zoo",
        "elephant giraffe penguin gorilla lemur meerkat flamingo tapir okapi hippo rhino "
        "tortoise iguana cobra otter sloth toucan panda tiger lion zebra camel yak aardvark "
        "enclosure aviary paddock keeper straw emu",
        [("food_kgs", "food_kg"), ("body_masses", "mass_kg"),
         ("enclosure_sizes", "enclosure_sqm"), ("feeding_times", "feed_hour"),
         ("births", "birth"), ("ages_yrs", "age_yrs"), ("water_litres", "water_l"),
         ("keeper_hours", "keeper_h")],
        [("animals", "animal"), ("enclosures", "enclosure"), ("keepers", "keeper"),
         ("species", "kind"), ("diets", "diet"), ("exhibits", "exhibit"), ("foods", "food"),
         ("habitats", "habitat")],
        [("feed_plan", "resident", "meals"), ("births_log", "mother", "cubs"),
         ("weigh_ins", "individual", "kilograms"), ("enrichment", "toy", "uses")]),
    Audience(
        "baristas", "an order screen for a coffee bar",
        "espresso latte cappuccino mocha americano macchiato cortado flatwhite decaf mug cup "
        "saucer milk oat almond soya syrup caramel vanilla hazelnut cocoa foam crema grinder "
        "portafilter tamper beans roast blend muffin",
        [("shot_counts", "shots"), ("milk_mls", "milk_ml"), ("brew_seconds", "brew_secs"),
         ("grind_sizes", "grind"), ("cup_sizes", "cup_oz"), ("water_temps", "water_temp"),
         ("tips_pence", "tip_pence"), ("queue_lengths", "queue")],
        [("drinks", "drink"), ("orders", "order"), ("milks", "milk"), ("syrups", "syrup"),
         ("roasts", "roast"), ("baristas", "barista"), ("pastries", "pastry"),
         ("beans", "bean")],
        [("daily_sales", "beverage", "cups"), ("bean_stock", "origin", "kilos"),
         ("loyalty", "regular", "stamps"), ("till_tally", "staff", "orders_made")]),
    Audience(
        "car mechanics", "a job card system for a garage",
        "engine gearbox clutch brake tyre exhaust radiator battery alternator piston valve "
        "spark plug filter oil coolant axle bumper bonnet wiper headlamp chassis muffler sump "
        "gasket manifold injector turbo camshaft odometer",
        [("mileages", "mileage"), ("tyre_depths", "tread_mm"), ("labour_hours", "labour_h"),
         ("part_costs", "part_cost"), ("oil_litres", "oil_l"), ("engine_sizes", "engine_cc"),
         ("model_years", "model_year"), ("torque_nms", "torque_nm")],
        [("cars", "car"), ("components", "component"), ("customers", "customer"),
         ("registrations", "reg"), ("faults", "fault"), ("mechanics", "mechanic"),
         ("makes", "make"), ("services", "service")],
        [("job_cards", "vehicle", "hours"), ("parts_bin", "part_no", "in_stock"),
         ("mot_results", "plate", "advisories"), ("tyre_stock", "tyre_size", "tyres")]),
    Audience(
        "airline pilots", "a flight log for a small airline",
        "runway taxiway hangar cockpit rudder aileron flap wing jet propeller altimeter compass "
        "radar beacon tower gate apron fuel cabin galley autopilot checklist turbulence "
        "headwind tailwind descent landing takeoff airspeed altitude",
        [("altitudes_ft", "altitude_ft"), ("airspeeds", "knots"), ("fuel_loads", "fuel_kg"),
         ("headings", "heading_deg"), ("flight_minutes", "block_min"),
         ("passenger_counts", "pax"), ("runway_lengths", "runway_m"),
         ("climb_rates", "climb_fpm")],
        [("airports", "airport"), ("aircraft", "plane"), ("routes", "route"),
         ("pilots", "pilot"), ("waypoints", "waypoint"), ("runways", "runway"),
         ("crews", "crew_name"), ("gates", "gate")],
        [("logbook", "tail_number", "hours"), ("fuel_uplift", "station", "kilograms"),
         ("delays_by_cause", "cause", "minutes"), ("duty_time", "captain", "sectors")]),
    Audience(
        "archaeologists", "a finds register for an excavation",
        "trench trowel shard pottery flint bone coin bead brooch hearth midden barrow cairn "
        "mosaic amphora tile axe arrowhead burial skull tooth charcoal stratum layer posthole "
        "ditch rampart villa relic ossuary",
        [("find_numbers", "find_no"), ("depths_cm", "depth_cm"), ("context_ids", "context_no"),
         ("sherd_weights", "sherd_g"), ("dates_bc", "date_bc"), ("grid_eastings", "grid_e"),
         ("trench_widths", "trench_m"), ("bag_numbers", "bag_no")],
        [("finds", "find"), ("trenches", "trench"), ("sites", "site"), ("periods", "period"),
         ("materials", "material"), ("layers", "layer"), ("features", "feature"),
         ("diggers", "digger")],
        [("finds_by_context", "context", "objects"), ("sherd_counts", "fabric", "sherds"),
         ("dig_days", "volunteer", "days"), ("samples_taken", "deposit", "buckets")]),
    Audience(
        "park rangers", "a trail report for a national park",
        "trail ridge summit canyon meadow forest creek waterfall glacier lake cabin campsite "
        "lookout boardwalk bridge bear elk moose deer eagle owl pine aspen cedar geyser marsh "
        "boulder ranger visitor outpost",
        [("trail_lengths", "trail_km"), ("elevations_m", "summit_m"),
         ("visitor_counts", "visitors_day"), ("permits_issued", "permits"),
         ("campsite_nos", "site_no"), ("wildlife_counts", "animals_seen"),
         ("snow_depths", "snow_cm"), ("patrol_hours", "patrol_h")],
        [("trails", "trail"), ("campsites", "campsite"), ("rangers", "ranger"),
         ("peaks", "peak"), ("lakes", "lake"), ("species", "kind"), ("hazards", "hazard"),
         ("trailheads", "trailhead")],
        [("trail_status", "route", "closures"), ("wildlife_log", "creature", "sightings"),
         ("camp_bookings", "pitch", "nights"), ("patrols", "sector", "patrol_km")]),
]
