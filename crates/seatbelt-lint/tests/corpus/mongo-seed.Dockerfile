FROM mongo:7.0
COPY seed.json /seed.json
CMD mongoimport --host mongodb --db app --collection items --type json --file /seed.json --jsonArray
