import csv, gzip, math, re, unicodedata, subprocess
def fold(s): return ''.join(c for c in unicodedata.normalize('NFD', s.lower()) if not unicodedata.combining(c))
com={}
for r in csv.DictReader(gzip.open('/work/wt/query/data/geo/communes_codes_postaux_gps_2025.csv.gz','rt')):
    if r['latitude']: com.setdefault(r['code_commune_insee'], (float(r['latitude']), float(r['longitude']), r['nom_commune']))
def d(a,b):
    la1,lo1,la2,lo2=map(math.radians,(a[0],a[1],b[0],b[1]))
    h=math.sin((la2-la1)/2)**2+math.cos(la1)*math.cos(la2)*math.sin((lo2-lo1)/2)**2
    return 2*6371*math.asin(math.sqrt(h))
rows=list(csv.reader(open('/work/shared/data/formations/parcoursup/fr-esr-parcoursup-2025-light.csv')))[1:]
def ps(insee, words):
    p=com[insee]; n=0
    for r in rows:
        t=fold(r[4])
        if all(re.search(r'\b'+re.escape(w), t) for w in words):
            try: la,lo=map(float, r[5].split(','))
            except: continue
            if d(p,(la,lo))<=30: n+=1
    return n
out=[]
for line in open(__file__.replace('make_places_intents.py','places_intents.rows')):
    q,place,intent,expect,src=line.rstrip('\n').split('|')
    notes=[]
    if place!='-':
        insee=place.split('/')[-1]
        assert insee in com, insee
        notes.append(f"lieu : {com[insee][2]} (INSEE {insee})")
    for part in src.split(' ; '):
        if part.startswith('ps:'):
            insee=place.split('/')[-1] if place!='-' else None
            w=part[3:].split()
            if insee:
                n=ps(insee,w); assert n>0,(q,n)
                notes.append(f"Parcoursup 2025 : {n} formations dont le libellé contient « {' '.join(w)} » à 30 km ou moins")
            else:
                notes.append(f"Parcoursup 2025 : libellés « {' '.join(w)} »")
        else: notes.append(part)
    out.append('\t'.join([q,place,intent,expect,' ; '.join(notes)]))
hdr="""# places_intents.tsv — written by hand for issue 10 (section 4) BEFORE any tuning of place and intent reading, and frozen in the commit that added it. Queries that carry a place (commune, "st" for saint, hyphens, postcode, département number, "près de", "à") or an intent word (formation, diplôme, se former, école, BTS, CAP, licence, métier, travailler comme, aide, financement, mission locale, agence, lycée), plus a few traps (a commune that is a job word, "aide" inside a job title, a school named after a commune). Labels come from the data, never from an engine's output: the place from data/geo/communes_codes_postaux_gps_2025.csv.gz (INSEE code; for a département, its prefecture, used as the centre for the 30 km check), trainings from ../shared/data/formations/parcoursup/fr-esr-parcoursup-2025-light.csv (counted by a script that reads the file and the communes file only: formations whose accent-folded label holds the words, within 30 km of the place) and from data/formations/onisep (national programmes), jobs from data/rome/rome4_v460, places from data/structures, aids from data/aides. Columns: query<TAB>place (INSEE of the commune, or dep:CODE/INSEE of its prefecture, or - for none)<TAB>intent (training, job, aid, place, or - for none)<TAB>what a correct top-5 holds, any of: job:ROME (that fiche), KIND:word+word (a result of that kind whose accent-folded title holds every word, by prefix), KIND@:word+word (the same, located within 30 km of the place)<TAB>note.
"""
open('/work/wt/query/data/search/eval/understood/places_intents.tsv','w').write(hdr+'\n'.join(out)+'\n')
print(len(out))
