"""Pure computation for indicators: safe expressions, roll-ups over fact frames, disclosure control. No Django."""
